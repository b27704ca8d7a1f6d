// Browser and bundler entry point. Two wasm modules sit next to this file: the core one
// (delimited text) loads on first use, the full one (also xlsx and Arrow) only when an input or
// export needs it.
import { makeApi } from "./api.js";

const modules = {};
const load = (kind) =>
  (modules[kind] ??= (async () => {
    const glue = await import(kind === "full" ? "./cohortlens_full.js" : "./cohortlens_core.js");
    await glue.default({ module_or_path: new URL(`./cohortlens_${kind}_bg.wasm`, import.meta.url) });
    return glue;
  })());

export { needsFull } from "./api.js";
export const { init, analyze, exportCustomers, Analyzer, createAnalyzer } = makeApi(load);
