// The built npm package, packed and installed into a throwaway project, used as a customer
// would: `import { analyze } from "cohortlens"` in Node, every golden input compared with its
// golden report, the shipped types checked with tsc, the README's JS snippet run.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compare, comparable } from "./compare.mjs";

const root = resolve(import.meta.dirname, "../..");
const golden = join(root, "examples/data/golden");
let project;
let api;

before(() => {
  project = mkdtempSync(join(tmpdir(), "cohortlens-pkg-"));
  const tarball = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", project, "--silent"], {
    encoding: "utf8",
  }).trim().split("\n").pop();
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", join(project, tarball)], { cwd: project });
});

async function load() {
  api ??= await import(join(project, "node_modules/cohortlens/node.js"));
  return api;
}

const fixtures = readdirSync(golden)
  .filter((f) => f.endsWith(".options.json"))
  .map((f) => f.replace(".options.json", ""));

for (const name of fixtures) {
  test(`golden ${name} through the installed package`, async () => {
    const { analyze } = await load();
    const data = readdirSync(golden).find((f) => f.startsWith(`${name}.`) && !f.endsWith(".json"));
    const bytes = readFileSync(join(golden, data));
    const options = JSON.parse(readFileSync(join(golden, `${name}.options.json`), "utf8"));
    // The golden Reports list every customer's CLV; the engine lists the top 200 by default.
    options.clvCustomerLimit = null;
    const want = JSON.parse(readFileSync(join(golden, `${name}.report.json`), "utf8"));
    const got = await analyze(bytes, options);
    const diffs = compare(comparable(got), comparable(want));
    // Values under clv come from a fit: 1e-3 relative (golden README).
    compare(got.clv, want.clv, 1e-3, "report.clv", diffs);
    assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} differences`);
  });
}

test("the package resolves through its exports map and throws real Errors with codes", async () => {
  const script = `
    import { analyze, createAnalyzer } from "cohortlens";
    const report = await analyze("customer_id,order_date\\nc1,2024-01-01\\nc1,2024-02-01\\n");
    let error;
    try { await analyze(new Uint8Array(), { locale: "zh" }); } catch (e) { error = e; }
    const analyzer = await createAnalyzer({});
    analyzer.push(new TextEncoder().encode("customer_id,order_date\\n"));
    // Rows are parsed as they are pushed, once the first 64 KB have told the format.
    for (let i = 0; i < 5000; i++) analyzer.push(new TextEncoder().encode(\`c\${i},2024-01-01\\n\`));
    const rows = analyzer.rows;
    const streamed = analyzer.finish();
    const weekly = analyzer.rerun({ cohortGrain: "week" });
    const remapped = analyzer.rerun({ mapping: { customer: "order_date", time: "customer_id" } });
    const csv = new TextDecoder().decode(analyzer.exportCustomers("csv"));
    console.log(JSON.stringify({ rate: report.summary.repurchaseRate, isError: error instanceof Error,
      code: error.code, message: error.message, streamed: streamed.summary.customers, csv: csv.split("\\n")[0],
      rows, weekly: weekly.cohorts.grain, remapped }));
  `;
  writeFileSync(join(project, "exports.mjs"), script);
  const out = JSON.parse(execFileSync("node", ["exports.mjs"], { cwd: project, encoding: "utf8" }));
  assert.equal(out.rate, 1);
  assert.equal(out.isError, true);
  assert.equal(out.code, "EmptyFile");
  assert.match(out.message, /空/);
  assert.equal(out.streamed, 5000);
  assert.equal(out.rows, 5000, "rows parsed while pushing");
  assert.equal(out.weekly, "week", "rerun with another grain");
  assert.equal(out.remapped, null, "a new mapping needs the file again");
  assert.match(out.csv, /^customer,firstPurchase/);
});

test("a trapped wasm call becomes OutOfMemory (big memory) or Internal, fatal, and the dead module is not called again", async () => {
  const { makeApi } = await import(join(project, "node_modules/cohortlens/api.js"));
  for (const [bytes, code] of [[3.2 * 2 ** 30, "OutOfMemory"], [64 * 2 ** 20, "Internal"]]) {
    let calls = 0;
    const module = {
      glue: { analyze() { calls += 1; throw new WebAssembly.RuntimeError("unreachable"); } },
      memory: { buffer: { byteLength: bytes } },
    };
    const { analyze } = makeApi(async () => module);
    for (const locale of ["en", "zh"]) {
      const e = await analyze("a,b\n1,2\n", { locale }).catch((e) => e);
      assert.ok(e instanceof Error);
      assert.equal(e.code, code);
      assert.equal(e.fatal, true);
      if (code === "OutOfMemory") assert.match(e.message, /3\.2 GB/);
    }
    assert.equal(calls, 1, "a dead instance is not called again");
  }
});

test("Arrow export is readable by apache-arrow's tableFromIPC", async () => {
  const { exportCustomers } = await load();
  const { tableFromIPC } = await import(join(root, "node_modules/apache-arrow/Arrow.node.mjs"));
  const bytes = readFileSync(join(golden, "tiny.csv"));
  const options = JSON.parse(readFileSync(join(golden, "tiny.options.json"), "utf8"));
  const table = tableFromIPC(await exportCustomers(bytes, options, "arrow"));
  assert.equal(table.numRows, 11);
  assert.ok(table.schema.fields.map((f) => f.name).includes("segment"));
  const customers = table.getChild("customer").toArray();
  assert.ok(customers.includes("c01"));
});

// Issue 12's JS half: the SQL for the warehouse, and the Report from what it returns.
const tinyOptions = () => ({ ...JSON.parse(readFileSync(join(golden, "tiny.options.json"), "utf8")), clvCustomerLimit: null });
const tinySource = { table: "shop.tiny_orders", customer: "customer_id", time: "order_date", amount: "amount", order: "order_id", status: "status" };

test("warehouseSql writes both dialects over the mapped table", async () => {
  const { warehouseSql } = await load();
  const spark = await warehouseSql(tinyOptions(), "spark", tinySource);
  const duck = await warehouseSql(tinyOptions(), "duckdb", tinySource);
  assert.match(spark, /^SET spark\.sql\.session\.timeZone=UTC;/);
  assert.ok(spark.includes("shop.tiny_orders") && spark.includes("`customer_id`"), "spark names the table and quotes columns with backticks");
  assert.ok(duck.includes("FROM shop.tiny_orders") && duck.includes('"customer_id"'), "duckdb names the table and quotes columns with double quotes");
  assert.notEqual(spark, duck);
});

test("warehouseSql refuses a bad dialect, a missing or malformed source and SQL-less options with coded Errors", async () => {
  const { warehouseSql } = await load();
  const cases = [
    [tinyOptions(), "bigquery", tinySource, /bigquery/],
    [tinyOptions(), "duckdb", undefined, /source/],
    [tinyOptions(), "duckdb", { table: "t", customer: "c" }, /time/],
    [tinyOptions(), "duckdb", { ...tinySource, colour: "x" }, /colour/],
    [{ matchRefunds: true }, "spark", tinySource, /matchRefunds/],
  ];
  for (const [options, dialect, source, message] of cases) {
    const e = await warehouseSql(options, dialect, source).then(() => null, (e) => e);
    assert.ok(e instanceof Error, `${dialect} ${JSON.stringify(source)}: an Error`);
    assert.equal(e.code, "BadOptions");
    assert.match(e.message, message);
  }
  const zh = await warehouseSql({ locale: "zh" }, "duckdb", null).catch((e) => e);
  assert.equal(zh.code, "BadOptions");
  assert.match(zh.message, /需要/);
});

test("analyzeSummary on the committed DuckDB result equals analyze on the golden tiny input (CSV, Blob, rows as objects)", async () => {
  const { analyze, analyzeSummary } = await load();
  // The options tests/warehouse.rs made the committed result with (tiny's golden options).
  const options = tinyOptions();
  const csv = readFileSync(join(root, "tests/data/warehouse/tiny.summary.csv"));
  const want = await analyze(readFileSync(join(golden, "tiny.csv")), options);
  const got = await analyzeSummary(csv, options);
  for (const section of ["summary", "cohorts", "funnel", "rates", "rfm"]) {
    const diffs = compare(got[section], want[section], 1e-9, section);
    assert.deepEqual(diffs.slice(0, 20), [], `${section}: ${diffs.length} differences`);
  }
  // compare() would match silent customers by segment: by customer here.
  const silent = (r) => Object.fromEntries(r.churn.silentCustomers.map((c) => [c.customer, c]));
  assert.deepEqual(silent(got), silent(want));
  assert.equal(want.warehouse, null, "a file's Report has no warehouse note");
  assert.ok(got.warehouse.exact.includes("cohorts"));
  assert.ok(got.warehouse.approximate.some((g) => g.section === "clv" && g.why.length > 0));
  assert.equal(got.ingest.format, "summary");
  // The same table as a Blob and as a JS warehouse client's rows (numbers, nulls, strings).
  const fromBlob = await analyzeSummary(new Blob([csv]), options);
  const [header, ...lines] = csv.toString("utf8").trim().split("\n");
  const names = header.split(",");
  const rows = lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v === "" ? null : /^[a-z]/.test(names[i]) && /^-?\d+$/.test(v) ? Number(v) : v])));
  const fromRows = await analyzeSummary(rows, options);
  assert.deepEqual(fromBlob, got);
  assert.deepEqual(fromRows, got);
  // In Chinese, the engine's note says why in Chinese.
  const zh = await analyzeSummary(csv, { ...options, locale: "zh" });
  assert.match(zh.warehouse.approximate.find((g) => g.section === "clv").why, /客户/);
});

test("analyzeSummary refuses what is not the SQL's result (BadSummary)", async () => {
  const { analyzeSummary } = await load();
  for (const input of ["customer_id,order_date\nc1,2024-01-01\n", [{ part: "summary", i1: "many" }], ""]) {
    const e = await analyzeSummary(input, {}).catch((e) => e);
    assert.ok(e instanceof Error);
    assert.equal(e.code, "BadSummary", JSON.stringify(input));
  }
});

test("README's JS snippet runs as written", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const snippet = readme.match(/```js\n([\s\S]*?)```/)[1];
  writeFileSync(join(project, "readme.mjs"), snippet);
  const out = execFileSync("node", ["readme.mjs"], { cwd: project, encoding: "utf8" });
  assert.equal(out, "0.5\ntrue EmptyFile\n");
});

test("the shipped types compile against a consumer (tsc --noEmit)", () => {
  mkdirSync(join(project, "src"), { recursive: true });
  writeFileSync(
    join(project, "src/use.ts"),
    `import { analyze, analyzeSummary, warehouseSql, Analyzer, createAnalyzer, type Report, type Options, type CohortlensError, type WarehouseSource } from "cohortlens";
const options: Options = { cohortGrain: "week", rfmSegments: "cn8", breakdowns: ["channel", { dimension: "region", attribution: "mode" }] };
export async function run(file: Blob): Promise<number | null> {
  try {
    const report: Report = await analyze(file, options);
    const cell = report.cohorts.rows[0]?.cells[0];
    const k: number | undefined = cell?.k;
    const a: Analyzer = await createAnalyzer(options);
    a.push(new Uint8Array());
    const bytes: Uint8Array = a.exportCustomers("arrow");
    const source: WarehouseSource = { table: "shop.orders", customer: "email", time: "created_at", amount: null, dimensions: { channel: "source" } };
    const sql: string = await warehouseSql(options, "duckdb", source);
    const fromRows: Report = await analyzeSummary([{ part: "summary", key: null, i1: 1, m1: 2n }], options);
    const fromCsv: Report = await analyzeSummary(sql, options);
    const exact: string[] = fromCsv.warehouse?.exact ?? fromRows.warehouse?.exact ?? [];
    return (k ?? 0) + bytes.length + (report.summary.repurchaseRate ?? 0) + exact.length;
  } catch (e) {
    const err = e as CohortlensError;
    return err.line;
  }
}
`,
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], noEmit: true }, include: ["src"] }),
  );
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", project], { encoding: "utf8" });
});

// js/report.d.ts is generated from the Rust types (`make types`; `cargo test` fails while it is
// stale). Here it meets real Reports: the engine's own Report of every golden input, through the
// installed package, written as an object literal assigned to `Report` and checked by tsc
// --strict. A missing field, a wrong type, a string outside its union, a wrong tuple length or a
// field the type does not declare (excess property check) fails. Once with the golden options
// (every customer listed, as in the golden files) and once with the "page" preset (the CLV
// calibration check). The golden JSON files themselves are not the reference: they predate
// fields the engine has added since (churn.silentCustomers, rfm.gridSegments, clv.calibration),
// and the golden tests above check that each of their fields is in the engine's Report with the
// same value, so what they hold is typed here too.
test("the generated Report and Options types accept the engine's Report of every golden input (tsc --strict)", async () => {
  const { analyze, presetOptions } = await load();
  const page = await presetOptions("page");
  const dir = join(project, "reports");
  mkdirSync(dir, { recursive: true });
  const seen = { calibration: 0, gammaGamma: 0, paretoNbd: 0, holdout: 0, silentCustomers: 0, gridSegments: 0, samples: 0 };
  for (const name of fixtures) {
    const data = readdirSync(golden).find((f) => f.startsWith(`${name}.`) && !f.endsWith(".json"));
    const bytes = readFileSync(join(golden, data));
    const options = JSON.parse(readFileSync(join(golden, `${name}.options.json`), "utf8"));
    for (const [variant, opts] of [["golden", { ...options, clvCustomerLimit: null }], ["page", { ...page, ...options }]]) {
      const report = await analyze(bytes, opts);
      seen.calibration += report.clv?.calibration ? 1 : 0;
      seen.gammaGamma += report.clv?.gammaGamma ? 1 : 0;
      seen.paretoNbd += report.clv?.paretoNbd ? 1 : 0;
      seen.holdout += report.clv?.holdout ? 1 : 0;
      seen.silentCustomers += report.churn.silentCustomers.length ? 1 : 0;
      seen.gridSegments += report.rfm.gridSegments ? 1 : 0;
      seen.samples += report.ingest.samples.length ? 1 : 0;
      writeFileSync(
        join(dir, `${name}.${variant}.ts`),
        `import type { Options, Report } from "cohortlens";\n` +
          `export const options: Options = ${JSON.stringify(opts)};\n` +
          `export const report: Report = ${JSON.stringify(report)};\n`,
      );
    }
  }
  // Every optional part of the Report met a real value somewhere, not only null or [].
  for (const [part, n] of Object.entries(seen)) assert.ok(n > 0, `no golden Report has ${part}`);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], noEmit: true }, include: ["*.ts"] }),
  );
  try {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", dir], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc rejects a Report the engine gave (js/report.d.ts, \`make types\`):\n${(e.stdout || e.message).slice(0, 4000)}`);
  }
});

test("xlsx and Arrow inputs go to the full module and give the CSV's report", async () => {
  const { analyze, needsFull } = await load();
  const formats = join(root, "examples/data/formats");
  const base = await analyze(readFileSync(join(formats, "same.csv")));
  for (const file of ["same.xlsx", "same.arrow", "same.arrows"]) {
    const bytes = readFileSync(join(formats, file));
    assert.equal(needsFull(bytes.subarray(0, 8)), true, file);
    const report = await analyze(bytes);
    assert.deepEqual(report.summary, base.summary, file);
    assert.deepEqual(report.cohorts, base.cohorts, file);
  }
  assert.equal(needsFull(readFileSync(join(formats, "same.csv")).subarray(0, 8)), false);
});

test("legacy .xls, .ods and an HTML-table \"xls\" go to the full module and give the CSV's report (issue 13)", async () => {
  const { analyze, probe } = await load();
  const exports = join(root, "examples/data/exports");
  const base = await analyze(readFileSync(join(exports, "workbook_orders.csv")));
  for (const [file, format] of [["workbook_orders.xls", "xls"], ["workbook_orders.ods", "ods"], ["workbook_orders_html.xls", "html"]]) {
    const bytes = readFileSync(join(exports, file));
    assert.equal((await probe(bytes)).format, format, file);
    const report = await analyze(bytes);
    assert.equal(report.ingest.format, format, file);
    assert.deepEqual(report.summary, base.summary, file);
    assert.deepEqual(report.cohorts, base.cohorts, file);
    assert.deepEqual(report.ingest.mapping, base.ingest.mapping, file);
  }
});

test("every row rejected: a real Error whose message has the first row's line, column, text and reason", async () => {
  const { analyze } = await load();
  await assert.rejects(analyze("customer_id,order_date\nc1,someday\n"), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.code, "AllRowsRejected");
    assert.equal(e.line, 2);
    assert.equal(e.column, "order_date");
    for (const part of ["line 2", "column \"order_date\"", "text \"someday\"", "cannot be read as a date"]) {
      assert.ok(e.message.includes(part), `${part}: ${e.message}`);
    }
    return true;
  });
});
