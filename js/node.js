// Node entry point (selected by the "node" export condition): Node cannot fetch file:// URLs,
// so a module's wasm bytes are read from disk and compiled synchronously on its first use.
import { readFileSync } from "node:fs";
import { makeApi } from "./api.js";

const modules = {};
const load = (kind) =>
  (modules[kind] ??= (async () => {
    const glue = await import(kind === "full" ? "./cohortlens_full.js" : "./cohortlens_core.js");
    glue.initSync({ module: readFileSync(new URL(`./cohortlens_${kind}_bg.wasm`, import.meta.url)) });
    return glue;
  })());

export { needsFull } from "./api.js";
export const { init, analyze, exportCustomers, Analyzer, createAnalyzer } = makeApi(load);
