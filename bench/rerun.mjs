// Times a re-run after the Report: the parsed orders stay in the Analyzer, so changing a grain
// recomputes the sections without reading the file again (CLV fits reused).
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
const times = [];
for (let k = 0; k < runs; k++) {
  t = performance.now();
  const report = analyzer.rerun({ cohortGrain: k % 2 ? "month" : "week", periodGrain: k % 2 ? "month" : "week" });
  if (!report) throw new Error("rerun needed the file again");
  times.push((performance.now() - t) / 1000);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`${file}: first analysis ${first.toFixed(2)} s; grain change ${median.toFixed(3)} s (median of ${runs}: ${times.map((x) => x.toFixed(3)).join(" ")})`);
