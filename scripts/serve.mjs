// A static file server for the demo and the page tests: binds 127.0.0.1 only, serves one
// folder with the right MIME types (.wasm as application/wasm), compressed (br or gzip, as the
// request's Accept-Encoding allows) and revalidated by ETag. No other server code exists.
//   node scripts/serve.mjs DIR [PORT]      (PORT 0 = any free port; the URL is printed)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};
/** Already compressed formats gain nothing from br or gzip. */
const COMPRESSED = new Set([".png", ".ico", ".xlsx"]);

/** The page's Content-Security-Policy: nothing may be sent anywhere but the page's own files. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** br when the client takes it, else gzip, else none (q=0 refuses a coding). */
function encodingFor(header = "") {
  const accepted = new Set(header.split(",").map((p) => p.trim().split(";")).filter(([, q]) => !/^\s*q=0(\.0*)?\s*$/.test(q ?? "")).map(([c]) => c.trim()));
  return ["br", "gzip"].find((c) => accepted.has(c)) ?? null;
}

/**
 * Each file's compressed bodies, kept while its size and mtime stay: the wasm modules take a
 * moment to compress and every page load asks for them.
 */
const compressed = new Map();
function compress(file, info, body, coding) {
  const key = `${file}\0${coding}`;
  const tag = `${info.size}-${info.mtimeMs}`;
  const hit = compressed.get(key);
  if (hit?.tag === tag) return hit.body;
  // Brotli quality 9: close to 11's size at a fraction of its time on a 2 MB module.
  const out = coding === "br"
    ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : gzipSync(body, { level: 9 });
  compressed.set(key, { tag, body: out });
  return out;
}

/** Serves `dir`; `csp` replaces the policy sent with every file (tests of other policies). */
export function serve(dir, port = 0, { csp = CSP } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
      let file = normalize(join(root, path));
      // Inside the folder: `root + sep` as the prefix, so a sibling `site-private` of
      // `site` (reached by `..%2Fsite-private`) is outside too.
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside root");
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, "index.html");
        info = await stat(file);
      }
      const ext = extname(file);
      const coding = COMPRESSED.has(ext) ? null : encodingFor(req.headers["accept-encoding"]);
      const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}${coding ? `-${coding}` : ""}"`;
      const headers = {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        // The file names carry no version: a browser may keep every file but asks each time
        // whether it changed (a 304 costs one round trip, no body).
        "cache-control": "no-cache",
        etag,
        vary: "Accept-Encoding",
        // The page's meta CSP does not reach its module worker or its service worker, which
        // take the policy of their own response: send the same one with every file.
        "content-security-policy": csp,
      };
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const body = await readFile(file);
      if (coding) headers["content-encoding"] = coding;
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : coding ? compress(file, info, body, coding) : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((done) => server.listen(port, "127.0.0.1", () => done(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = ".", port = "8000"] = process.argv.slice(2);
  const server = await serve(dir, Number(port));
  console.log(`serving ${resolve(dir)} at http://127.0.0.1:${server.address().port}/`);
}
