// The worker protocol's page side (js/client.js) without a browser: a stand-in Worker answers
// as worker.js does. A Report's cohort rows sent ahead in parts are joined in order, however
// many: day cohorts over the engine's 300 years of dates reach ~110,000 rows, and 300,000 is
// past V8's limit on spread arguments, which the joining used (push(...), unshift(...)).
import { test } from "node:test";
import assert from "node:assert/strict";

/** Answers an "analyze" with `rows` cohort rows: parts of 20,000 ahead, the rest with the Report. */
function fakeWorker(rows) {
  return class {
    postMessage({ id }) {
      const all = Array.from({ length: rows }, (_, i) => ({ cohort: String(i), cells: [null] }));
      setTimeout(() => {
        for (let i = 0; i + 20_000 <= rows; i += 20_000) this.onmessage({ data: { id, type: "cohortRows", rows: all.slice(i, i + 20_000) } });
        const rest = all.slice(rows - (rows % 20_000));
        this.onmessage({ data: { id, type: "report", report: { cohorts: { rows: rest } }, seconds: 0 } });
      });
    }
    terminate() {}
  };
}

for (const rows of [5, 60_000, 110_000, 300_000]) {
  test(`${rows} cohort rows arrive whole and in order`, async () => {
    globalThis.Worker = fakeWorker(rows);
    const { WorkerClient } = await import("../../js/client.js");
    const { report } = await new WorkerClient().call("analyze", {});
    assert.equal(report.cohorts.rows.length, rows);
    assert.ok(report.cohorts.rows.every((r, i) => r.cohort === String(i)));
  });
}
