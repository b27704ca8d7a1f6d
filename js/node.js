// Node entry point (selected by the "node" export condition): Node cannot fetch file:// URLs,
// so a module's wasm bytes are read from disk and compiled synchronously on its first use.
import { readFileSync } from "node:fs";
import { makeApi } from "./api.js";

const loaders = {
  core: async () => {
    const glue = await import("./cohortlens_core.js");
    const wasm = glue.initSync({ module: readFileSync(new URL("./cohortlens_core_bg.wasm", import.meta.url)) });
    return { glue, memory: wasm.memory };
  },
  full: async () => {
    const glue = await import("./cohortlens_full.js");
    const wasm = glue.initSync({ module: readFileSync(new URL("./cohortlens_full_bg.wasm", import.meta.url)) });
    return { glue, memory: wasm.memory };
  },
};

const modules = {};
const load = (kind) =>
  (modules[kind] ??= loaders[kind]().catch((e) => {
    delete modules[kind];
    throw e;
  }));

export { needsFull } from "./api.js";
export const { init, analyze, exportCustomers, probe, presetOptions, warehouseSql, analyzeSummary, Analyzer, createAnalyzer } =
  makeApi(load);
