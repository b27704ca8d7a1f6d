// The demo page's service worker: after one visit the page, the package and its core wasm
// module are in the cache (precache.json, written by `make site`, lists them), so the page
// opens and analyses files with the network off. Online, every request goes to the network
// first (the files' names carry no version, so a cached copy is only the fallback) and each
// answer refreshes the cache; the full module (xlsx, Arrow) is cached once a file needed it.
const CACHE = "cohortlens";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const list = await (await fetch("precache.json", { cache: "no-cache" })).json();
    await (await caches.open(CACHE)).addAll(list);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== location.origin) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      }
      return response;
    } catch (offline) {
      // A page address with a query (?lang=zh) is the same page.
      const cached = await caches.match(request, { ignoreSearch: request.mode === "navigate", ignoreVary: true });
      if (cached) return cached;
      throw offline;
    }
  })());
});
