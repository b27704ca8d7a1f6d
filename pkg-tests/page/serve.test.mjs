// The demo server (scripts/serve.mjs) serves its folder and nothing else: no `..`, encoded or
// not, and no sibling folder whose name starts with the folder's. No browser needed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";

let base, server, port;
before(async () => {
  base = mkdtempSync(join(tmpdir(), "cohortlens-serve-"));
  mkdirSync(join(base, "site"));
  mkdirSync(join(base, "site-private"));
  writeFileSync(join(base, "site", "index.html"), "page");
  writeFileSync(join(base, "site-private", "secret.txt"), "secret");
  writeFileSync(join(base, "secret.txt"), "secret");
  server = await serve(join(base, "site"), 0);
  port = server.address().port;
});
after(async () => {
  await new Promise((done) => server.close(done));
  rmSync(base, { recursive: true, force: true });
});

/** GET `path` exactly as written (no client-side normalisation): [status, body]. */
function get(path) {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => done([res.statusCode, body]));
    });
    req.on("error", fail);
    req.end();
  });
}

test("the folder's files are served, and it binds 127.0.0.1 only", async () => {
  assert.equal(server.address().address, "127.0.0.1");
  assert.deepEqual(await get("/"), [200, "page"]);
  assert.deepEqual(await get("/index.html"), [200, "page"]);
});

test("nothing outside the folder is served", async () => {
  for (const path of [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsite-private%2Fsecret.txt",
    "/%2e%2e%2fsite-private%2fsecret.txt",
    "/..%5csecret.txt",
    `/${encodeURIComponent(join(base, "secret.txt"))}`,
  ]) {
    const [status, body] = await get(path);
    assert.notEqual(body, "secret", path);
    assert.equal(status, 404, path);
  }
});
