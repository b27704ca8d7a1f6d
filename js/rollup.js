// A Rollup plugin for cohortlens (Rollup alone does not follow `new URL("./…", import.meta.url)`):
//
//   import cohortlens from "cohortlens/rollup";
//   export default { input: "main.js", plugins: [nodeResolve(), cohortlens()], output: { dir: "dist" } };
//
// It emits the package's two .wasm modules as assets and its worker.js as a chunk (built with its
// imports), and points the package's `new URL("./…", import.meta.url)` at them. Vite, webpack and
// esbuild need no plugin (see the README, "Install and bundle"). Runs in Node only.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = dirname(fileURLToPath(import.meta.url));
const URL_PATTERN = /new URL\("\.\/(cohortlens_(?:core|full)_bg\.wasm|worker\.js)", import\.meta\.url\)/g;

export default function cohortlens() {
  return {
    name: "cohortlens",
    transform(code, id) {
      // Only the package's own modules (wherever it is installed: copy, link or workspace).
      if (dirname(id) !== PACKAGE_DIR && !/[\\/]cohortlens[\\/][^\\/]+\.js$/.test(id)) return null;
      if (!URL_PATTERN.test(code)) return null;
      URL_PATTERN.lastIndex = 0;
      const out = code.replace(URL_PATTERN, (_, file) => {
        const path = join(dirname(id), file);
        const ref = file.endsWith(".wasm")
          ? this.emitFile({ type: "asset", name: basename(path), source: readFileSync(path) })
          : this.emitFile({ type: "chunk", id: path, name: "cohortlens-worker" });
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref}, import.meta.url)`;
      });
      return { code: out, map: null };
    },
  };
}
