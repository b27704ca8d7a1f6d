// Browser and bundler entry point. Two wasm modules sit next to this file: the core one
// (delimited text) loads on first use, the full one (also xlsx and Arrow) only when an input or
// export needs it.
//
// Every path is written as a literal `import("./…")` / `new URL("./….wasm", import.meta.url)`:
// the patterns bundlers (Vite, webpack, esbuild, Rollup) recognise, so an app needs no copying.
// Do not turn them into template strings or variables.
import { makeApi } from "./api.js";

const loaders = {
  core: async () => {
    const glue = await import("./cohortlens_core.js");
    const wasm = await glue.default({ module_or_path: new URL("./cohortlens_core_bg.wasm", import.meta.url) });
    return { glue, memory: wasm.memory };
  },
  full: async () => {
    const glue = await import("./cohortlens_full.js");
    const wasm = await glue.default({ module_or_path: new URL("./cohortlens_full_bg.wasm", import.meta.url) });
    return { glue, memory: wasm.memory };
  },
};

const modules = {};
// A failed load is forgotten, so a later call tries again (after a CSP or network fix).
const load = (kind) =>
  (modules[kind] ??= loaders[kind]().catch((e) => {
    delete modules[kind];
    throw e;
  }));

export { needsFull } from "./api.js";
export const { init, analyze, exportCustomers, probe, presetOptions, warehouseSql, analyzeSummary, Analyzer, createAnalyzer } =
  makeApi(load);
