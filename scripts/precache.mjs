// Writes DIR/precache.json: what the demo page's service worker (www/sw.js) caches on the first
// visit — the page, the package's scripts, the core wasm module and the samples. The full
// module (xlsx, Arrow; 2.4 MB) is left to be cached when a file first needs it.
//   node scripts/precache.mjs DIR
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const KEEP = /\.(html|js|css|svg|png|webmanifest|csv|wasm)$/;
const SKIP = /^(sw\.js|pkg\/cohortlens_full_bg\.wasm)$/;
const files = readdirSync(dir, { recursive: true })
  .map((f) => f.split("\\").join("/"))
  .filter((f) => KEEP.test(f) && !SKIP.test(f))
  .sort();
writeFileSync(join(dir, "precache.json"), JSON.stringify(["./", ...files], null, 1) + "\n");
