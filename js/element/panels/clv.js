import { h, formatTime, intlLocale } from "../format.js";
import { barChart, columnChart, groupedColumnChart } from "../charts.js";
import { card, figure, tableBlock, kpi, moneyKpi, segName } from "./common.js";

// ------------------------------------------------------------------------------------------- CLV

/** "YYYY-MM-DD" plus n days (UTC calendar arithmetic). */
function addDays(date, n) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The display name of a model of report.clv.model. */
const MODEL_NAMES = { bgnbd: "BG/NBD", paretoNbd: "Pareto/NBD" };

/** A KPI node with its definition as hover text (and data-definition for tests). */
function defined(node, definition) {
  node.setAttribute("title", definition);
  node.dataset.definition = definition;
  return node;
}

/** The engine's CLV warnings (fit failures in plain words, the model choice), in its language. */
function clvWarnings(report) {
  return (report.ingest?.warnings ?? []).filter((w) => /^CLV: |^客户价值（CLV）：/.test(w));
}

/** A translated template with {name} placeholders filled by nodes (or text). */
function tNodes(ctx, key, parts) {
  return ctx.t(key).split(/\{(\w+)\}/).map((x, i) => (i % 2 ? parts[x] ?? `{${x}}` : x));
}

/**
 * The calibration check (report.clv.calibration): the BG/NBD fitted on purchases before a split
 * date, its predicted holdout purchases against the actual ones per calibration-frequency group.
 * A date input chooses the split (a re-run); the report's split prefills it.
 */
function calibrationBlock(ctx) {
  const { t, f, report } = ctx;
  const clv = report.clv;
  const cal = clv.calibration ?? null;
  const s = report.summary;
  // The engine takes a split after the first purchase and before asOf.
  const min = s.firstOrder ? addDays(String(s.firstOrder).slice(0, 10), 1) : null;
  const asOf = String(s.asOf ?? "");
  const max = asOf ? (asOf.slice(11) && asOf.slice(11) !== "00:00:00" ? asOf.slice(0, 10) : addDays(asOf.slice(0, 10), -1)) : null;
  const chosen = ctx.options.calibrationSplit;
  const current = cal ? cal.split.slice(0, 10) : /^\d{4}-\d{2}-\d{2}$/.test(chosen ?? "") ? chosen : "";

  const hint = h("p", { class: "small neg", dataset: { calibration: "range" }, hidden: true }, t("clv.cal.range", { min: min ?? "", max: max ?? "" }));
  let timer = null;
  const commit = (input) => {
    clearTimeout(timer);
    timer = null;
    const v = input.value;
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) && (!min || v >= min) && (!max || v <= max);
    hint.hidden = ok || v === "";
    input.setAttribute("aria-invalid", String(!ok && v !== ""));
    if (ok && v !== current) ctx.setOption({ calibrationSplit: v });
  };
  // Typing a date changes the value once per keystroke: wait for a pause before re-running.
  // (An event's target is gone once it has been dispatched in a shadow tree: use the element.)
  const later = () => { clearTimeout(timer); timer = setTimeout(() => commit(input), 600); };
  const input = h("input", {
    type: "date", value: current, min, max, required: true,
    dataset: { focus: "clv-calibration-split" },
    oninput: later, onchange: later,
    onkeydown: (e) => { if (e.key === "Enter") commit(input); },
    onblur: () => { if (timer) commit(input); },
  });
  const control = h("div", { class: "controls" },
    h("label", { class: "field" }, t("clv.cal.split"), input),
    chosen !== "auto" ? h("button", { type: "button", class: "btn small", title: t("clv.cal.autoTitle"), dataset: { focus: "clv-calibration-auto" }, onclick: () => ctx.setOption({ calibrationSplit: "auto" }) }, t("clv.cal.auto")) : null);
  const head = h("div", { class: "subhead calibration-head" },
    h("div", {}, h("h3", {}, t("clv.cal.title")), h("p", { class: "small muted explain" }, t("clv.cal.explain"))),
    control);

  if (!cal) {
    const why = report.ingest.warnings.filter((w) => /calibration|校准/i.test(w));
    return h("div", { class: "calibration", dataset: { calibration: "none" } }, head, hint,
      chosen == null ? null : h("p", { class: "small muted" }, t("clv.cal.none"), why.length ? " " : null, why.join(" ")));
  }

  const unit = t(`clv.unit.${clv.unit}`);
  // The summary line speaks of the model in use; the chart and table show both.
  const usedPredicted = clv.model === "paretoNbd" && cal.predictedParetoNbd != null ? cal.predictedParetoNbd : cal.predicted;
  const holdoutText = new Intl.NumberFormat(intlLocale(ctx.lang), { maximumFractionDigits: 1 }).format(cal.holdout);
  const diff = cal.actual ? (usedPredicted - cal.actual) / cal.actual : null;
  const split = formatTime(cal.split);
  const num = (name, value, text) => h("b", { dataset: { cal: name, value: value == null ? "" : String(value) } }, text);
  const summary = h("p", { class: "calibration-summary" }, tNodes(ctx, "clv.cal.summary", {
    split: num("split", cal.split, split),
    holdout: h("span", { dataset: { cal: "holdout", value: String(cal.holdout) } }, holdoutText),
    unit,
    model: MODEL_NAMES[clv.model] ?? clv.model,
    predicted: num("predicted", usedPredicted, f.dec1(usedPredicted)),
    actual: num("actual", cal.actual, f.int(cal.actual)),
    diff: h("span", { dataset: { cal: "diff", value: diff == null ? "" : String(diff) } }, diff == null ? "–" : t("clv.cal.diff", { d: f.pp(diff) })),
  }));

  // One bar per model that could be fitted before the split, then the actual purchases.
  const both = cal.bgnbd != null && cal.paretoNbd != null;
  const series = [
    cal.bgnbd != null ? { label: both ? t("clv.cal.predictedBy", { model: "BG/NBD" }) : t("clv.cal.predicted"), key: "predicted", get: (g) => g.predicted, color: ctx.theme.series[0] } : null,
    cal.paretoNbd != null ? { label: both ? t("clv.cal.predictedBy", { model: "Pareto/NBD" }) : t("clv.cal.predicted"), key: "predictedParetoNbd", get: (g) => g.predictedParetoNbd, color: ctx.theme.series[2] } : null,
    { label: t("clv.cal.actual"), key: "actual", get: (g) => g.actual, color: ctx.theme.series[1] },
  ].filter(Boolean);
  const chart = groupedColumnChart(cal.groups.map((g) => ({
    label: g.frequency,
    key: g.frequency,
    sub: `n=${f.int(g.customers)}`,
    values: series.map((x) => x.get(g)),
    titles: series.map((x) => `${g.frequency} · ${x.label}: ${x.get(g) == null ? "–" : f.dec2(x.get(g))} (n=${f.int(g.customers)})`),
  })), { series, format: f.dec2, axisFormat: f.sig, xTitle: t("clv.cal.xTitle"), title: t("clv.cal.chart"), width: ctx.half, height: 300 }, ctx.theme);

  const perCustomer = (total) => (cal.customers ? total / cal.customers : null);
  const signed = (v) => (v == null ? "" : (v > 0 ? "+" : v < 0 ? "−" : "") + f.dec2(Math.abs(v)));
  const table = tableBlock(ctx, {
    name: "clv-calibration",
    columns: [
      { label: t("clv.cal.group"), get: (g) => g.frequency, text: true },
      { label: t("clv.cal.customers"), get: (g) => g.customers, fmt: f.int },
      { label: both ? t("clv.cal.predictedMeanBy", { model: "BG/NBD" }) : t("clv.cal.predictedMean"), get: (g) => g.predicted, fmt: f.dec2 },
      { label: t("clv.cal.actualMean"), get: (g) => g.actual, fmt: f.dec2 },
      { label: both ? t("clv.cal.differenceBy", { model: "BG/NBD" }) : t("clv.cal.difference"), get: (g) => (g.predicted == null || g.actual == null ? null : g.predicted - g.actual), fmt: signed },
      cal.paretoNbd != null ? { label: t("clv.cal.predictedMeanBy", { model: "Pareto/NBD" }), get: (g) => g.predictedParetoNbd, fmt: f.dec2 } : null,
    ].filter(Boolean),
    rows: cal.groups,
    rowData: (g) => ({ frequency: g.frequency }),
    foot: [t("clv.cal.all"), f.int(cal.customers), f.dec2(perCustomer(cal.predicted)), f.dec2(perCustomer(cal.actual)), signed(cal.customers ? perCustomer(cal.predicted) - perCustomer(cal.actual) : null),
      ...(cal.paretoNbd != null ? [f.dec2(perCustomer(cal.predictedParetoNbd))] : [])],
  });
  const params = `${t("clv.cal.params")}: ${fitText(f, cal)}`;
  return h("div", { class: "calibration", dataset: { calibration: cal.split } },
    head, hint, summary,
    h("div", { class: "cols" }, figure(ctx, "clv-calibration", t("clv.cal.chart"), chart), table),
    h("p", { class: "small muted" }, params));
}

/**
 * The `n` items with the largest `value`, ties by `id` ascending, in that order: one pass with a
 * small sorted buffer instead of sorting every customer.
 */
function topBy(items, n, value, id) {
  const better = (a, b) => value(a) - value(b) || (id(a) < id(b) ? 1 : id(a) > id(b) ? -1 : 0);
  const top = [];
  for (const item of items) {
    if (top.length === n && better(item, top[n - 1]) <= 0) continue;
    let i = top.length - (top.length === n ? 1 : 0);
    top.length = Math.min(top.length + 1, n);
    while (i > 0 && better(item, top[i - 1]) > 0) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = item;
  }
  return top;
}

/** Both fits' parameters, as one line of text. */
function fitText(f, fits) {
  const p = fits.bgnbd;
  const q = fits.paretoNbd;
  return [
    p ? `BG/NBD r=${f.sig(p.r)} α=${f.sig(p.alpha)} a=${f.sig(p.a)} b=${f.sig(p.b)} (LL ${f.dec1(p.logLikelihood)})` : null,
    q ? `Pareto/NBD r=${f.sig(q.r)} α=${f.sig(q.alpha)} s=${f.sig(q.s)} β=${f.sig(q.beta)} (LL ${f.dec1(q.logLikelihood)})` : null,
  ].filter(Boolean).join(" · ");
}

/**
 * Which model predicts and why: its name, and with a holdout both models' mean error per
 * customer (report.clv.holdout), the lower one used.
 */
function modelBlock(ctx) {
  const { t, f, report } = ctx;
  const clv = report.clv;
  const name = MODEL_NAMES[clv.model] ?? clv.model;
  const h1 = clv.holdout;
  const score = (s) => (s ? f.dec2(s.mae) : "–");
  const why = h1
    ? t("clv.model.holdout", { bg: score(h1.bgnbd), pareto: score(h1.paretoNbd) })
    : t(ctx.options.clvModel === "auto" ? "clv.model.noHoldout" : "clv.model.chosen");
  return h("p", { class: "clv-model", dataset: { clvModel: clv.model } },
    h("b", {}, t("clv.model", { model: name })), " ", h("span", { class: "small muted" }, why));
}

/** "How to read this": P(alive) and expected purchases in a merchant's words. */
function howToRead(ctx) {
  const { t, report } = ctx;
  const clv = report.clv;
  return h("details", { class: "how-to-read", dataset: { howToRead: "clv" } },
    h("summary", {}, t("clv.read.title")),
    h("p", { class: "small" }, h("b", {}, t("clv.pAlive")), " — ", t(clv.model === "paretoNbd" ? "clv.read.pAlivePareto" : "clv.read.pAliveBg")),
    h("p", { class: "small" }, h("b", {}, t("clv.expected")), " — ", t("clv.read.expected", { h: ctx.f.int(clv.horizon), unit: t(`clv.unit.${clv.unit}`) })),
    h("p", { class: "small" }, h("b", {}, t("clv.clv")), " — ", t("clv.read.clv")));
}

/**
 * Shown instead of the CLV panel when the Report has no CLV section: the engine's reason in plain
 * words (too few repeat customers, …) and what would help.
 */
export const clvUnavailablePanel = {
  id: "clv-none",
  title: (t) => t("clv.title"),
  when: (ctx) => ctx.report != null && ctx.report.clv == null && clvWarnings(ctx.report).length > 0,
  render(ctx) {
    const { t, report } = ctx;
    return card(ctx, "clv-none", t("clv.title"), t("clv.none.subtitle"), null,
      h("ul", { class: "warnings", dataset: { clvNone: "reasons" } }, clvWarnings(report).map((w) => h("li", {}, w))),
      h("p", { class: "small muted" }, t("clv.none.help")));
  },
};

export const clvPanel = {
  id: "clv",
  title: (t) => t("clv.title"),
  when: (ctx) => ctx.report?.clv != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const clv = report.clv;
    const cs = clv.customers;
    // Totals and the P(alive) histogram are the engine's: they cover every customer, also when
    // the Report lists only the top clvCustomerLimit.
    const totals = clv.totals;
    const meanPAlive = totals.meanPAlive;
    const expected = totals.expectedPurchases;
    const expected90 = totals.expectedPurchases90d;
    const bins = clv.pAliveHistogram.map((value, i) => ({ label: `${i * 10}–${i * 10 + 10}%`, value }));
    const pChart = columnChart(bins, { format: f.int, xTitle: t("clv.pAlive"), title: t("clv.pAliveChart"), width: ctx.half }, ctx.theme);

    // The most valuable first (the engine's order when it limits the list, by CLV, else expected
    // purchases); a list of every customer (clvCustomerLimit: null) is in file order.
    const key = totals.clv != null ? "clv" : "expectedPurchases";
    const top = topBy(cs, 50, (c) => c[key] ?? 0, (c) => c.customer);
    const hasP90 = cs.some((c) => c.pPurchase90d != null);
    const topTable = tableBlock(ctx, {
      title: t("clv.top"),
      name: "clv-top",
      columns: [
        { label: t("clv.customer"), get: (c) => c.customer, text: true },
        { label: t("clv.x"), get: (c) => c.x, fmt: f.int },
        { label: t("clv.pAlive"), get: (c) => c.pAlive, fmt: f.pct },
        hasP90 ? { label: t("clv.p90"), get: (c) => c.pPurchase90d, fmt: f.pct } : null,
        expected90 != null ? { label: t("clv.expected90"), get: (c) => c.expectedPurchases90d, fmt: f.dec2 } : null,
        { label: t("clv.expected"), get: (c) => c.expectedPurchases, fmt: f.dec2 },
        { label: t("clv.value"), get: (c) => c.expectedValue, fmt: f.money },
        { label: t("clv.clv"), get: (c) => c.clv, fmt: f.money },
      ].filter(Boolean),
      rows: top,
    });

    // By segment and by cohort: the engine's summaries.
    const bySegment = clv.bySegment;
    const byCohort = clv.byCohort;
    const groupCols = (labelOf) => [
      { label: t("clv.group"), get: labelOf, csv: (g) => g.group, text: true },
      { label: t("clv.customers"), get: (g) => g.customers, fmt: f.int },
      { label: t("clv.expected"), get: (g) => g.expectedPurchases, fmt: f.dec1 },
      { label: t("clv.meanExpected"), get: (g) => g.meanExpectedPurchases, fmt: f.dec2 },
      { label: t("clv.mean"), get: (g) => g.meanClv, fmt: f.money },
      { label: t("clv.total"), get: (g) => g.clv, fmt: f.money },
    ];
    let segChart = null;
    let segTable = null;
    if (bySegment?.length) {
      // Without an amount column there is no CLV: the chart shows expected purchases, and says so.
      const money = totals.clv != null;
      const segTitle = t(money ? "clv.bySegmentChart" : "clv.bySegmentChartExpected");
      segChart = figure(ctx, "clv-by-segment", segTitle, barChart(bySegment.map((g) => ({ label: segName(ctx, g.group), values: [money ? g.meanClv : g.meanExpectedPurchases] })),
        { series: [{ label: t(money ? "clv.mean" : "clv.meanExpected"), color: ctx.theme.series[2] }], format: money ? f.money : f.dec2, title: segTitle, width: ctx.half }, ctx.theme));
      segTable = tableBlock(ctx, { title: t("clv.bySegment"), name: "clv-by-segment", columns: groupCols((g) => segName(ctx, g.group)), rows: bySegment, rowData: (g) => ({ group: g.group }) });
    }
    const cohortTable = byCohort?.length
      ? tableBlock(ctx, { title: t("clv.byCohort"), name: "clv-by-cohort", columns: groupCols((g) => g.group), rows: byCohort, rowData: (g) => ({ group: g.group }) })
      : null;

    const gg = clv.gammaGamma;
    const params = fitText(f, clv) + (gg ? ` · Gamma-Gamma p=${f.sig(gg.p)} q=${f.sig(gg.q)} γ=${f.sig(gg.gamma)}` : "");
    const unitName = t(`clv.unit.${clv.unit}`);
    const hz = { h: f.int(clv.horizon), unit: unitName };
    return card(ctx, "clv", t("clv.title"), t("clv.subtitle", { ...hz, model: MODEL_NAMES[clv.model] ?? clv.model }), null,
      modelBlock(ctx),
      h("div", { class: "kpis" },
        defined(kpi("clvFitCustomers", t("clv.fitCustomers"), clv.fitCustomers, f.int(clv.fitCustomers)), t("clv.def.fitCustomers")),
        defined(kpi("clvRepeatCustomers", t("clv.repeatCustomers"), clv.repeatCustomers, f.int(clv.repeatCustomers)), t("clv.def.repeatCustomers")),
        defined(kpi("clvMeanPAlive", t("clv.meanPAlive"), meanPAlive, f.pct(meanPAlive)), t("clv.def.meanPAlive")),
        defined(kpi("clvExpectedPurchases", t("clv.expectedPurchases"), expected, f.dec1(expected)), t("clv.def.expectedPurchases", hz)),
        expected90 != null ? defined(kpi("clvExpected90", t("clv.expected90Total"), expected90, f.dec1(expected90)), t("clv.def.expected90")) : null,
        totals.clv != null ? defined(moneyKpi(ctx, "clvTotal", t("clv.totalClv"), totals.clv, null, true), t("clv.def.totalClv", hz)) : null),
      howToRead(ctx),
      h("p", { class: "small muted" }, t("clv.params"), ": ", params),
      h("div", { class: "cols" }, figure(ctx, "clv-p-alive", t("clv.pAliveChart"), pChart), segChart),
      calibrationBlock(ctx),
      segTable,
      topTable,
      cohortTable);
  },
};

/** The panels in page order. Push to CohortLens.panels (before a render) to add one. */
