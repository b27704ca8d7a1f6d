// Times a re-run after the Report: the parsed orders stay in the Analyzer, so changing a grain
// recomputes the sections without reading the file again (CLV fits reused), and changing a
// filter (docs/filters.md) recomputes them over the kept orders (CLV refitted).
//   make pkg && node bench/rerun.mjs [FILE] [RUNS]     (default bench/out/orders_1000000.csv, 5)
import { readFileSync } from "node:fs";
import { createAnalyzer } from "../pkg/node.js";

const file = process.argv[2] ?? "bench/out/orders_1000000.csv";
const runs = Number(process.argv[3] ?? 5);
const bytes = readFileSync(file);
const analyzer = await createAnalyzer({}, { size: bytes.length });
let t = performance.now();
for (let i = 0; i < bytes.length; i += 1 << 20) analyzer.push(bytes.subarray(i, i + (1 << 20)));
analyzer.finish();
const first = (performance.now() - t) / 1000;
/** Median seconds of `runs` re-runs with the options `optionsOf(k)`. */
function median(optionsOf) {
  const times = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const report = analyzer.rerun(optionsOf(k));
    if (!report) throw new Error("rerun needed the file again");
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return `${times[Math.floor(times.length / 2)].toFixed(3)} s (median of ${runs}: ${times.map((x) => x.toFixed(3)).join(" ")})`;
}
const grain = median((k) => ({ cohortGrain: k % 2 ? "month" : "week", periodGrain: k % 2 ? "month" : "week" }));
// A filter as a merchant sets one on the page: a channel and a date range (a new filter each
// time, so no fit is reused).
const channels = ["web", "mobile_app", "social", "marketplace"];
const filter = median((k) => ({
  filters: { dimensions: { channel: [channels[k % channels.length]] }, from: "2023-03-01", to: `2024-0${1 + (k % 9)}-28` },
}));
console.log(`${file}: first analysis ${first.toFixed(2)} s; grain change ${grain}; filter change ${filter}`);
