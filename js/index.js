// Browser and bundler entry point: the wasm is fetched next to this file on first use.
import wasmInit, * as wasm from "./cohortlens_wasm.js";
import { makeApi } from "./api.js";

let loading;
const ready = () => (loading ??= wasmInit({ module_or_path: new URL("./cohortlens_wasm_bg.wasm", import.meta.url) }));

export const { init, analyze, exportCustomers, Analyzer, createAnalyzer } = makeApi(wasm, ready);
