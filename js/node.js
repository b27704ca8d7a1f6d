// Node entry point (selected by the "node" export condition): Node cannot fetch file:// URLs,
// so the wasm bytes are read from disk and compiled synchronously on first use.
import { readFileSync } from "node:fs";
import { initSync } from "./cohortlens_wasm.js";
import * as wasm from "./cohortlens_wasm.js";
import { makeApi } from "./api.js";

let loaded = false;
const ready = async () => {
  if (!loaded) {
    initSync({ module: readFileSync(new URL("./cohortlens_wasm_bg.wasm", import.meta.url)) });
    loaded = true;
  }
};

export const { init, analyze, exportCustomers, Analyzer, createAnalyzer } = makeApi(wasm, ready);
