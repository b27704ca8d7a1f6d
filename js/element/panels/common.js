// The sections of <cohort-lens>, one entry per panel in PANELS. A panel is
//   { id, title(t) → string, when(ctx) → boolean, render(ctx) → Node }
// and gets a context with the report, the translator, number formatters, chart theme, the
// file's column names, the per-customer table (once exported) and callbacks to change options
// (re-run) or view state (re-render). Everything from the file is rendered as text.

import { h, saveCsv, saveBlob, formatTime, ordinal, ROLES, periodLabel, intlLocale } from "./cohort-lens-format.js";
import { lineChart, barChart, columnChart, groupedColumnChart, intervalChart, intervalBar, svgText, svgToPng } from "./cohort-lens-charts.js";

// ------------------------------------------------------------------------------ building blocks

/** A section card with a title, subtitle, controls and body. */
function card(ctx, id, title, subtitle, controls, ...body) {
  return h("section", { class: "card", id: `panel-${id}`, "aria-labelledby": `h-${id}`, dataset: { panel: id } },
    h("div", { class: "card-head" },
      h("div", { class: "titles" }, h("h2", { id: `h-${id}` }, title), subtitle ? h("p", {}, subtitle) : null),
      controls ? h("div", { class: "controls" }, controls) : null),
    ...body);
}

/** A labelled <select>. options: [[value, label]]; onchange(value). */
function select(ctx, label, value, options, onchange, key) {
  const sel = h("select", { dataset: { focus: key }, onchange: (e) => onchange(e.target.value) },
    options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)));
  return h("label", { class: "field" }, label, sel);
}

/** A segmented switch of buttons (aria-pressed). */
function segmented(ctx, label, value, options, onchange, key) {
  return h("div", { class: "field", role: "group", "aria-label": label },
    h("span", { class: "field-label small muted" }, label),
    h("div", { class: "seg" }, options.map(([v, l]) =>
      h("button", { type: "button", "aria-pressed": String(v === value), dataset: { focus: `${key}-${v}`, value: v }, onclick: () => v !== value && onchange(v) }, l))));
}

/** A download button group: CSV, or PNG + SVG for a chart. */
function csvButton(ctx, name, build, label) {
  return h("button", {
    type: "button", class: "btn small", title: ctx.t("dl.csvTitle"), dataset: { download: "csv", name },
    onclick: () => { const { header, rows } = build(); saveCsv(header, rows, `${ctx.stem}-${name}.csv`, ctx.downloadRoot); },
  }, "⤓ ", label ?? ctx.t("dl.csv"));
}

function chartButtons(ctx, name, svg) {
  return h("span", { class: "dl" },
    h("button", {
      type: "button", class: "btn small", title: ctx.t("dl.pngTitle"), dataset: { download: "png", name },
      onclick: async () => {
        try { saveBlob(await svgToPng(svg), `${ctx.stem}-${name}.png`, ctx.downloadRoot); } catch (e) { console.warn(e); }
      },
    }, "⤓ ", ctx.t("dl.png")),
    h("button", {
      type: "button", class: "btn small", title: ctx.t("dl.svgTitle"), dataset: { download: "svg", name },
      onclick: () => saveBlob(new Blob([svgText(svg)], { type: "image/svg+xml" }), `${ctx.stem}-${name}.svg`, ctx.downloadRoot),
    }, "⤓ ", ctx.t("dl.svg")));
}

/** A chart figure with a caption and PNG/SVG downloads. */
function figure(ctx, name, title, svg, note) {
  return h("figure", { dataset: { chart: name } },
    h("figcaption", {}, h("span", { class: "t" }, title), chartButtons(ctx, name, svg)),
    h("div", { class: "chart" }, svg),
    note ? h("p", { class: "small muted" }, note) : null);
}

/**
 * A table with a title bar and a CSV download. columns: [{label, get(row) → raw, fmt?(raw) →
 * text, text?: true (left-aligned text), node?(row) → Node}]. CSV cells are the raw values.
 */
function tableBlock(ctx, { title, name, columns, rows, foot, tall, rowData, note }) {
  const head = h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.text ? "text" : null }, c.label))));
  const body = h("tbody", {}, rows.map((r, i) => h("tr", rowData ? { dataset: rowData(r, i) } : null, columns.map((c, j) => {
    const raw = c.get(r);
    const content = c.node ? c.node(r) : c.fmt ? c.fmt(raw) : raw == null ? "" : String(raw);
    const attrs = { class: c.text ? "text" : null, dataset: typeof raw === "number" ? { value: String(raw) } : null };
    return j === 0 ? h("th", { scope: "row", ...attrs, class: "text" }, content) : h("td", attrs, content);
  }))));
  const tfoot = foot ? h("tfoot", {}, h("tr", {}, foot.map((v, j) => h("td", { class: j === 0 ? "text" : null }, v ?? "")))) : null;
  const table = h("table", { dataset: { table: name } }, head, body, tfoot);
  return h("div", { class: "table-block" },
    h("div", { class: "subhead" }, title ? h("h3", {}, title) : h("span"), csvButton(ctx, name, () => ({ header: columns.map((c) => c.label), rows: rows.map((r) => columns.map((c) => c.csv ? c.csv(r) : c.get(r))) }))),
    h("div", { class: `table-wrap${tall || rows.length > 16 ? " tall" : ""}` }, table),
    note ? h("p", { class: "small muted more" }, note) : null);
}

function kpi(name, label, value, text, note, accent, title) {
  return h("div", { class: `kpi${accent ? " accent" : ""}`, dataset: { kpi: name, value: value == null ? "" : String(value) } },
    h("div", { class: "label" }, label),
    h("div", { class: "value", title: title ?? null }, text === "" ? "–" : text),
    note ? h("div", { class: "note" }, note) : null);
}

/**
 * A money KPI that fits its card: the exact amount below a million, else three significant
 * digits in the language's compact notation (9.32M, 932万) with the exact amount as tooltip.
 */
function moneyKpi(ctx, name, label, value, note, accent) {
  const exact = ctx.f.money(value);
  if (value == null || Math.abs(value) < 1e6) return kpi(name, label, value, exact, note, accent);
  const compact = new Intl.NumberFormat(intlLocale(ctx.lang), { notation: "compact", maximumSignificantDigits: 3 }).format(value);
  return kpi(name, label, value, compact, note, accent, exact);
}

/** Display text of a breakdown value: the engine's (blank)/(other) in the UI language. */
function groupLabel(ctx, v) {
  if (v === "(blank)") return ctx.t("bd.blank");
  if (v === "(other)") return ctx.t("bd.other");
  return v;
}

function segName(ctx, seg) {
  const k = `seg.${seg}`;
  const s = ctx.t(k);
  return s === k ? seg : s;
}

function nth(ctx, n) {
  if (ctx.lang === "zh") return ctx.t("funnel.nth", { n });
  const k = `funnel.nth.${n}`;
  const s = ctx.t(k);
  return s === k ? `${ordinal(n)} purchase` : s;
}

function delimiterName(ctx, d) {
  if (!d) return "–";
  if (d === "whitespace") return ctx.t("data.whitespace");
  if (d === "\t") return ctx.t("data.tab");
  return `“${d}”`;
}

const GRAINS = ["day", "week", "month", "quarter", "year"];

// ------------------------------------------------------------------------------ data & mapping

const dataPanel = {
  id: "data",
  title: (t) => t("data.title"),
  // Not for an error no column mapping can fix (WebAssembly refused by the page's CSP).
  when: (ctx) => ctx.report != null || (ctx.error != null && ctx.error.code !== "CspBlocked"),
  render(ctx) {
    const { t, f, report } = ctx;
    const ingest = report?.ingest;
    const mapping = ingest?.mapping ?? ctx.options.mapping ?? {};
    const columns = [...ctx.columns];
    for (const c of Object.values(mapping)) if (c && !columns.includes(c)) columns.push(c);
    for (const b of report?.breakdowns ?? []) if (!columns.includes(b.dimension)) columns.push(b.dimension);
    const overridden = ctx.ui.mapping != null;
    // Before any report and without an explicit mapping, an empty role means "the engine guesses".
    const auto = !report && !ctx.options.mapping;

    const selects = h("div", { class: "mapping" }, ROLES.map((role) => {
      const current = mapping[role] ?? "";
      const sel = h("select", {
        dataset: { role, focus: `map-${role}` },
        onchange: (e) => {
          const next = { ...mapping };
          if (e.target.value) next[role] = e.target.value; else delete next[role];
          // Only one role per column: clear a role that had the chosen column.
          for (const r of ROLES) if (r !== role && next[r] === e.target.value) delete next[r];
          ctx.setOption({ mapping: next });
        },
      }, h("option", { value: "" }, auto ? t("data.autoOption") : t("data.none")), columns.map((c) => h("option", { value: c, selected: c === current }, c)));
      return h("label", { class: "field" }, t(`role.${role}`), sel);
    }));

    const rejectedTotal = ingest ? Object.values(ingest.rejected).reduce((a, b) => a + b, 0) : 0;
    const rejectedText = ingest
      ? rejectedTotal === 0 ? f.int(0) : `${f.int(rejectedTotal)} (${Object.entries(ingest.rejected).map(([r, n]) => `${t(`reason.${r}`)} ${f.int(n)}`).join(", ")})`
      : "";
    const facts = ingest ? h("dl", { class: "facts" },
      h("dt", {}, t("data.file")), h("dd", {}, ctx.fileName ?? ""),
      h("dt", {}, t("data.rows")), h("dd", { dataset: { value: ingest.rows } }, f.int(ingest.rows)),
      h("dt", {}, t("data.accepted")), h("dd", { dataset: { value: ingest.accepted } }, f.int(ingest.accepted)),
      h("dt", {}, t("data.rejected")), h("dd", { dataset: { value: rejectedTotal }, class: rejectedTotal ? "neg" : null }, rejectedText),
      ingest.format ? [h("dt", {}, t("data.format")), h("dd", {}, ingest.format + (ingest.sheet ? ` · ${ingest.sheet}` : ""))] : null,
      h("dt", {}, t("data.encoding")), h("dd", {}, ingest.encoding),
      h("dt", {}, t("data.delimiter")), h("dd", {}, delimiterName(ctx, ingest.delimiter)),
      h("dt", {}, t("data.dateOrder")), h("dd", {}, ingest.dateOrder),
      h("dt", {}, t("data.range")), h("dd", {}, `${formatTime(report.summary.firstOrder)} ${t("data.to")} ${formatTime(report.summary.lastOrder)}`),
      h("dt", {}, t("data.asOf")), h("dd", {}, formatTime(report.summary.asOf)))
      : h("dl", { class: "facts" },
        h("dt", {}, t("data.file")), h("dd", {}, ctx.fileName ?? ""),
        h("dt", {}, t("data.size")), h("dd", {}, ctx.f.bytes(ctx.fileSize)),
        h("dt", {}, t("data.columns")), h("dd", { dataset: { columns: "" } }, ctx.columns.length ? ctx.columns.join(", ") : "–"));

    const warnings = ingest?.warnings?.length
      ? h("div", {}, h("h3", {}, t("data.warnings")), h("ul", { class: "warnings" }, ingest.warnings.map((w) => h("li", {}, w))))
      : null;

    const samples = ingest
      ? ingest.samples.length
        ? tableBlock(ctx, {
          title: ingest.samples.length < rejectedTotal
            ? t("data.samplesSome", { n: f.int(ingest.samples.length), total: f.int(rejectedTotal) })
            : t("data.samples", { n: f.int(ingest.samples.length) }),
          name: "rejected-rows",
          columns: [
            { label: t("data.line"), get: (s) => s.line, fmt: (v) => String(v) },
            { label: t("data.column"), get: (s) => s.column, text: true },
            { label: t("data.text"), get: (s) => s.text, text: true, node: (s) => (s.text === "" ? h("span", { class: "muted" }, t("data.emptyValue")) : s.text) },
            { label: t("data.reason"), get: (s) => t(`reason.${s.reason}`) === `reason.${s.reason}` ? s.reason : t(`reason.${s.reason}`), text: true },
          ],
          rows: ingest.samples,
          rowData: (s) => ({ line: String(s.line) }),
        })
        : h("p", { class: "small muted", dataset: { samples: "none" } }, t("data.samplesNone"))
      : null;

    const mappingHead = h("div", { class: "subhead" },
      h("h3", {}, t("data.mapping")),
      overridden ? h("button", { type: "button", class: "btn small", dataset: { focus: "map-reset" }, onclick: () => ctx.setOption({ mapping: undefined }) }, t("data.reset")) : null);

    return card(ctx, "data", t("data.title"), t("data.subtitle"), null,
      h("div", { class: "cols" }, h("div", {}, facts, warnings), h("div", {}, mappingHead, selects)),
      samples);
  },
};

// ---------------------------------------------------------------------------------------- KPIs

const kpiPanel = {
  id: "kpis",
  title: (t) => t("kpi.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const s = report.summary;
    const c = report.churn;
    return card(ctx, "kpis", t("kpi.title"), null, null,
      h("div", { class: "kpis" },
        kpi("customers", t("kpi.customers"), s.customers, f.int(s.customers), s.nonBuyers ? t("kpi.customers.note", { n: f.int(s.nonBuyers) }) : null),
        kpi("repurchaseRate", t("kpi.repurchaseRate"), s.repurchaseRate, f.pct(s.repurchaseRate), t("kpi.repurchaseRate.note"), true),
        kpi("purchasesPerCustomer", t("kpi.purchasesPerCustomer"), s.purchasesPerCustomer, f.dec2(s.purchasesPerCustomer), t("kpi.purchasesPerCustomer.note", { n: f.int(s.purchases) })),
        moneyKpi(ctx, "averageOrderValue", t("kpi.averageOrderValue"), s.averageOrderValue, t("kpi.averageOrderValue.note")),
        moneyKpi(ctx, "revenuePerCustomer", t("kpi.revenuePerCustomer"), s.revenuePerCustomer, s.revenue != null ? t("kpi.revenuePerCustomer.note", { v: f.money(s.revenue) }) : null),
        kpi("silentShare", t("kpi.silentShare"), c.silentShare, f.pct(c.silentShare), t("kpi.silentShare.note", { n: f.int(c.silent), d: f.int(c.silentDays) }))));
  },
};

// -------------------------------------------------------------------------------------- cohorts

const METRICS = ["retention", "active", "revenue", "cumulativeRevenuePerCustomer"];
const MAX_ROWS = 150;
const MAX_COLS = 110;

function kLabel(ctx, grain, k) {
  return ctx.t(`k.${grain}`, { k });
}

const cohortPanel = {
  id: "cohorts",
  title: (t) => t("cohort.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const co = report.cohorts;
    const metric = ctx.view.cohortMetric ?? "retention";
    const hasMoney = report.summary.revenue != null;
    const metrics = METRICS.filter((m) => hasMoney || (m !== "revenue" && m !== "cumulativeRevenuePerCustomer"));
    const Kall = Math.max(0, ...co.rows.map((r) => r.cells.length));
    // Day cohorts over years would be hundreds of thousands of cells: the table shows the
    // latest MAX_ROWS cohorts and the first MAX_COLS periods; the CSV has every cell.
    const K = Math.min(Kall, MAX_COLS);
    const shownRows = co.rows.slice(-MAX_ROWS);
    const clipped = shownRows.length < co.rows.length || K < Kall;
    const fmt = { retention: f.pct, active: f.int, revenue: f.int, cumulativeRevenuePerCustomer: f.money }[metric];
    const value = (cell) => (cell == null ? null : cell[metric]);

    // Colour scale: retention and active by share of eligible; money by the largest value.
    const share = (cell) => (cell.eligible ? cell.active / cell.eligible : 0);
    let max = 0;
    for (const r of co.rows) for (const c of r.cells) {
      if (!c) continue;
      if (metric === "retention" || metric === "active") { if (c.k > 0) max = Math.max(max, share(c)); }
      else if (metric === "revenue") { if (c.k > 0) max = Math.max(max, c.revenue ?? 0); }
      else max = Math.max(max, c.cumulativeRevenuePerCustomer ?? 0);
    }
    const intensity = (c) => {
      const v = metric === "retention" || metric === "active" ? share(c) : (c[metric] ?? 0);
      return max > 0 ? Math.max(0, Math.min(1, v / max)) : 0;
    };

    const head = h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("cohort.cohort")),
      h("th", { scope: "col" }, t("cohort.size")),
      Array.from({ length: K }, (_, k) => h("th", { scope: "col" }, kLabel(ctx, co.grain, k)))));
    const body = h("tbody", {}, shownRows.map((row) => h("tr", { dataset: { cohort: row.cohort } },
      h("th", { scope: "row" }, row.cohort),
      h("td", { dataset: { value: String(row.size) } }, f.int(row.size)),
      Array.from({ length: K }, (_, k) => {
        const c = row.cells[k];
        if (c == null) return h("td", { class: "c null", dataset: { k: String(k), value: "" } });
        const v = value(c);
        const x = intensity(c);
        const td = h("td", {
          class: `c${c.partial ? " partial" : ""}${x > 0.55 ? " dark" : ""}`,
          dataset: { k: String(k), value: v == null ? "" : String(v) },
        }, fmt(v));
        td.style.setProperty("--v", x.toFixed(3));
        return td;
      }))));

    // Footer: weighted-average retention (the engine's), totals for counts and money.
    let footLabel;
    let foot;
    if (metric === "retention") {
      footLabel = t("cohort.average");
      foot = Array.from({ length: K }, (_, k) => co.average[k]?.retention ?? null).map((v) => ({ v, text: f.pct(v) }));
    } else if (metric === "cumulativeRevenuePerCustomer") {
      footLabel = t("cohort.average");
      foot = Array.from({ length: K }, (_, k) => {
        let num = 0; let den = 0;
        for (const r of co.rows) { const c = r.cells[k]; if (c && c.cumulativeRevenuePerCustomer != null) { num += c.cumulativeRevenuePerCustomer * r.size; den += r.size; } }
        const v = den ? num / den : null;
        return { v, text: f.money(v) };
      });
    } else {
      footLabel = "Σ";
      foot = Array.from({ length: K }, (_, k) => {
        let sum = 0; let any = false;
        for (const r of co.rows) { const c = r.cells[k]; if (c && c[metric] != null) { sum += c[metric]; any = true; } }
        return { v: any ? sum : null, text: any ? fmt(sum) : "" };
      });
    }
    const totalSize = co.rows.reduce((a, r) => a + r.size, 0);
    const tfoot = h("tfoot", {}, h("tr", { dataset: { average: metric } },
      h("td", {}, footLabel), h("td", {}, f.int(totalSize)),
      foot.map((x, k) => h("td", { dataset: { k: String(k), value: x.v == null ? "" : String(x.v) } }, x.text))));

    const table = h("table", { class: "heat", dataset: { table: "cohorts", metric } }, head, body, tfoot);
    // Tooltips are built on first hover: thousands of cells need not format them up front.
    const byCohort = new Map(shownRows.map((r) => [r.cohort, r]));
    table.addEventListener("mouseover", (e) => {
      const td = e.target.closest?.("td.c");
      if (!td || td.title || td.classList.contains("null")) return;
      const row = byCohort.get(td.parentElement.dataset.cohort);
      const k = Number(td.dataset.k);
      const c = row?.cells[k];
      if (!c) return;
      td.title = `${row.cohort} · ${kLabel(ctx, co.grain, k)}: ${t("metric.retention")} ${f.pct(c.retention)} (${f.int(c.active)} / ${f.int(c.eligible)})` +
        (hasMoney ? ` · ${t("metric.revenue")} ${f.money(c.revenue)}` : "") + (c.partial ? ` · * ${t("cohort.partial")}` : "");
    });
    const csvMatrix = () => ({
      header: [t("cohort.cohort"), t("cohort.size"), ...Array.from({ length: Kall }, (_, k) => kLabel(ctx, co.grain, k))],
      rows: co.rows.map((r) => [r.cohort, r.size, ...Array.from({ length: Kall }, (_, k) => value(r.cells[k]))]),
    });
    const csvLong = () => ({
      header: ["cohort", "size", "k", "active", "retention", "rollingActive", "orders", "revenue", "cumulativeRevenuePerCustomer", "eligible", "partial"],
      rows: co.rows.flatMap((r) => r.cells.filter(Boolean).map((c) => [r.cohort, r.size, c.k, c.active, c.retention, c.rollingActive, c.orders, c.revenue, c.cumulativeRevenuePerCustomer, c.eligible, c.partial])),
    });

    const controls = [
      select(ctx, t("cohort.grain"), co.grain, GRAINS.map((g) => [g, t(`grain.${g}`)]), (g) => ctx.setOption({ cohortGrain: g }), "cohort-grain"),
      segmented(ctx, t("cohort.alignment"), co.alignment, [["calendar", t("alignment.calendar")], ["relative", t("alignment.relative")]], (a) => ctx.setOption({ cohortAlignment: a }), "cohort-alignment"),
      segmented(ctx, t("cohort.metric"), metric, metrics.map((m) => [m, t(`metric.${m}`)]), (m) => ctx.setView({ cohortMetric: m }, "cohorts"), "cohort-metric"),
    ];

    // Retention curves: the latest 24 cohorts, older ones fainter, and the weighted average.
    const shown = co.rows.slice(-24);
    const series = shown.map((r, i) => ({
      label: r.cohort,
      color: ctx.theme.series[0],
      width: 1.4,
      opacity: 0.18 + 0.5 * ((i + 1) / shown.length),
      points: r.cells.map((c, k) => [k, c?.retention ?? null]),
    }));
    series.push({ label: t("cohort.average"), color: ctx.theme.text, width: 3, dots: K <= 30, points: co.average.map((a) => [a.k, a.retention]) });
    const curves = lineChart(series, {
      title: t("cohort.curves"),
      yMax: 1,
      yFormat: f.pct,
      xTitle: t(`k.axis.${co.grain}`),
      legend: [{ label: t("cohort.average"), color: ctx.theme.text, line: true, width: 3 }, { label: t("cohort.cohort"), color: ctx.theme.series[0], line: true, width: 1.4 }],
      width: ctx.width,
      height: 320,
    }, ctx.theme);
    const curvesNote = t("cohort.curves.note") + (co.rows.length > shown.length ? " " + t("cohort.curves.more", { n: shown.length, total: co.rows.length }) : "");

    return card(ctx, "cohorts", t("cohort.title"), t("cohort.subtitle"), controls,
      h("div", { class: "subhead" }, h("h3", {}, t(`metric.${metric}`)),
        h("span", { class: "dl" }, csvButton(ctx, `cohorts-${metric}`, csvMatrix), csvButton(ctx, "cohorts-all", csvLong, t("dl.csvLong")))),
      co.rows.length
        ? h("div", { class: "table-wrap tall" }, table)
        : h("p", { class: "muted" }, t("cohort.empty")),
      clipped ? h("p", { class: "small muted more" }, t("cohort.clipped", { rows: f.int(shownRows.length), total: f.int(co.rows.length), cols: f.int(K), all: f.int(Kall) })) : null,
      h("div", { class: "legend" },
        h("span", {}, h("span", { class: "swatch partial" }), "* ", t("cohort.partial"))),
      co.rows.length ? figure(ctx, "retention-curves", t("cohort.curves"), curves, curvesNote) : null);
  },
};

// --------------------------------------------------------------------------------------- funnel

const funnelPanel = {
  id: "funnel",
  title: (t) => t("funnel.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const fu = report.funnel;
    const first = fu.steps[0]?.reached ?? 0;
    const bars = barChart(fu.steps.map((s) => ({
      label: nth(ctx, s.n),
      values: [s.reached],
      notes: [`${f.int(s.reached)} · ${f.pct(first ? s.reached / first : null)}`],
    })), { series: [{ label: t("funnel.reached"), color: ctx.theme.series[0] }], format: f.int, title: t("funnel.chart"), width: ctx.width }, ctx.theme);

    const steps = tableBlock(ctx, {
      name: "funnel",
      columns: [
        { label: t("funnel.step"), get: (s) => nth(ctx, s.n), text: true },
        { label: t("funnel.reached"), get: (s) => s.reached, fmt: f.int },
        { label: t("funnel.share"), get: (s) => (first ? s.reached / first : null), fmt: f.pct },
        { label: t("funnel.conversion"), get: (s) => s.conversion, fmt: f.pct },
        { label: t("funnel.gapMedian"), get: (s) => s.gapDays.median, fmt: f.dec1 },
        { label: t("funnel.gapIqr"), get: (s) => (s.gapDays.p25 == null ? null : `${f.dec1(s.gapDays.p25)} – ${f.dec1(s.gapDays.p75)}`), csv: (s) => (s.gapDays.p25 == null ? null : `${s.gapDays.p25}–${s.gapDays.p75}`) },
        { label: t("funnel.gapMean"), get: (s) => s.gapDays.mean, fmt: f.dec1 },
      ],
      rows: fu.steps,
      rowData: (s) => ({ n: String(s.n) }),
    });

    const within = fu.repurchaseWithin;
    const withinChart = barChart(within.map((w) => ({
      label: t("within.daysN", { d: f.int(w.days) }),
      values: [w.rate],
      notes: [w.rate == null ? "–" : `${f.pct(w.rate)} (${f.int(w.repurchased)}/${f.int(w.eligible)})`],
    })), { series: [{ label: t("within.rate"), color: ctx.theme.series[1] }], format: f.pct, max: Math.max(0.05, ...within.map((w) => w.rate ?? 0)), title: t("within.title"), width: ctx.half }, ctx.theme);
    const withinTable = tableBlock(ctx, {
      name: "repurchase-within",
      columns: [
        { label: t("within.days"), get: (w) => w.days, fmt: (d) => t("within.daysN", { d: f.int(d) }) },
        { label: t("within.eligible"), get: (w) => w.eligible, fmt: f.int },
        { label: t("within.repurchased"), get: (w) => w.repurchased, fmt: f.int },
        { label: t("within.rate"), get: (w) => w.rate, fmt: f.pct },
      ],
      rows: within,
      note: t("within.note"),
    });

    const binLabel = (b) => (b.toDays == null ? t("hist.open", { from: f.int(b.fromDays) }) : `${f.int(b.fromDays)}–${f.int(b.toDays)}`);
    const hist = columnChart(fu.histogram.map((b) => ({ label: binLabel(b), value: b.customers })), { format: f.int, xTitle: t("hist.bin"), title: t("hist.title"), width: ctx.half }, ctx.theme);
    const histTable = tableBlock(ctx, {
      name: "gap-histogram",
      columns: [
        { label: t("hist.bin"), get: (b) => binLabel(b), text: true },
        { label: t("hist.customers"), get: (b) => b.customers, fmt: f.int },
      ],
      rows: fu.histogram,
    });

    return card(ctx, "funnel", t("funnel.title"), t("funnel.subtitle"), null,
      figure(ctx, "funnel", t("funnel.chart"), bars),
      steps,
      h("div", { class: "cols" },
        h("div", {}, figure(ctx, "repurchase-within", t("within.title"), withinChart), withinTable),
        h("div", {}, figure(ctx, "gap-histogram", t("hist.title"), hist), histTable)));
  },
};

// -------------------------------------------------------------------------------------- periods

const periodPanel = {
  id: "periods",
  title: (t) => t("period.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const r = report.rates;
    const P = r.periods;
    const th = ctx.theme;
    const chart = lineChart([
      { label: t("period.periodRepurchaseRate"), color: th.series[0], points: P.map((p, i) => [i, p.periodRepurchaseRate]), dots: P.length <= 40 },
      { label: t("period.returningRate"), color: th.series[1], points: P.map((p, i) => [i, p.returningRate]), dots: P.length <= 40 },
      { label: t("period.churnRate"), color: th.series[3], dash: "6 4", points: P.map((p, i) => [i, p.churnRate]) },
    ], {
      title: t("period.chart"),
      xLabels: P.map((p) => p.period),
      yFormat: f.pct,
      yMax: Math.min(1, Math.max(0.05, report.summary.repurchaseRate ?? 0, ...P.flatMap((p) => [p.periodRepurchaseRate ?? 0, p.returningRate ?? 0, p.churnRate ?? 0]))),
      ref: { y: report.summary.repurchaseRate, color: th.muted },
      legend: [
        { label: t("period.periodRepurchaseRate"), color: th.series[0], line: true },
        { label: t("period.returningRate"), color: th.series[1], line: true },
        { label: t("period.churnRate"), color: th.series[3], line: true, dash: "6 4" },
        { label: t("period.overall"), color: th.muted, line: true, dash: "5 4" },
      ],
      height: 320,
      width: ctx.width,
    }, th);
    const table = tableBlock(ctx, {
      name: "periods",
      columns: [
        { label: t("period.period"), get: (p) => p.period, text: true },
        { label: t("period.buyers"), get: (p) => p.buyers, fmt: f.int },
        { label: t("period.repeatBuyers"), get: (p) => p.repeatBuyers, fmt: f.int },
        { label: t("period.periodRepurchaseRate"), get: (p) => p.periodRepurchaseRate, fmt: f.pct },
        { label: t("period.returningBuyers"), get: (p) => p.returningBuyers, fmt: f.int },
        { label: t("period.returningRate"), get: (p) => p.returningRate, fmt: f.pct },
        { label: t("period.churnRate"), get: (p) => p.churnRate, fmt: f.pct },
      ],
      rows: P,
      rowData: (p) => ({ period: p.period }),
    });
    const controls = [select(ctx, t("period.grain"), r.grain, GRAINS.map((g) => [g, t(`grain.${g}`)]), (g) => ctx.setOption({ periodGrain: g }), "period-grain")];
    return card(ctx, "periods", t("period.title"), t("period.subtitle", { grain: t(`grainN.${r.grain}`) }), controls,
      h("p", { class: "small" }, t("period.overall"), ": ", h("b", { dataset: { value: String(report.summary.repurchaseRate ?? "") } }, f.pct(report.summary.repurchaseRate))),
      figure(ctx, "period-rates", t("period.chart"), chart),
      table);
  },
};

// ------------------------------------------------------------------------------------------ RFM

// rf10 segment of each (R, F) pair, for labelling the grid (SPEC §6).
function rf10(r, f) {
  if (r === 5) return f >= 4 ? "champions" : f >= 2 ? "potentialLoyalists" : "newCustomers";
  if (r === 4) return f >= 4 ? "loyal" : f >= 2 ? "potentialLoyalists" : "promising";
  if (r === 3) return f >= 4 ? "loyal" : f === 3 ? "needAttention" : "aboutToSleep";
  return f === 5 ? "cantLoseThem" : f >= 3 ? "atRisk" : "hibernating";
}

const rfmPanel = {
  id: "rfm",
  title: (t) => t("rfm.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const rfm = report.rfm;
    const total = rfm.grid.flat().reduce((a, b) => a + b, 0);
    const max = Math.max(1, ...rfm.grid.flat());
    const grid = h("table", { class: "rfm", dataset: { table: "rfm-grid" } },
      h("caption", { class: "sr-only" }, t("rfm.grid")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "h axis-title" }, "R \\ F"),
        [1, 2, 3, 4, 5].map((F) => h("th", { scope: "col", class: "h" }, `F${F}`)))),
      h("tbody", {}, [5, 4, 3, 2, 1].map((R) => h("tr", {},
        h("th", { scope: "row", class: "h" }, `R${R}`),
        [1, 2, 3, 4, 5].map((F) => {
          const n = rfm.grid[R - 1][F - 1];
          const x = n / max;
          const cell = h("td", {
            class: `cell${x > 0.55 ? " dark" : ""}`,
            dataset: { r: String(R), f: String(F), value: String(n) },
            title: `R${R} F${F}: ${f.int(n)} (${f.pct(total ? n / total : null)})` + (rfm.scheme === "rf10" ? ` · ${segName(ctx, rf10(R, F))}` : ""),
          }, h("b", {}, f.int(n)), h("span", {}, f.pct(total ? n / total : null)), rfm.scheme === "rf10" ? h("span", {}, segName(ctx, rf10(R, F))) : null);
          cell.style.setProperty("--v", x.toFixed(3));
          return cell;
        })))));
    const gridCsv = () => ({ header: ["R \\ F", "F1", "F2", "F3", "F4", "F5"], rows: [5, 4, 3, 2, 1].map((R) => [`R${R}`, ...rfm.grid[R - 1]]) });

    const segs = rfm.segments;
    const chart = barChart(segs.map((s) => ({
      label: segName(ctx, s.segment),
      values: [s.share, s.revenueShare],
      notes: [f.pct(s.share), f.pct(s.revenueShare)],
    })), {
      series: [{ label: t("rfm.share"), color: ctx.theme.series[0] }, { label: t("rfm.revenueShare"), color: ctx.theme.series[1] }],
      format: f.pct, max: Math.max(0.01, ...segs.flatMap((s) => [s.share ?? 0, s.revenueShare ?? 0])), title: t("rfm.chart"), width: ctx.half,
    }, ctx.theme);
    const table = tableBlock(ctx, {
      name: `rfm-segments-${rfm.scheme}`,
      columns: [
        { label: t("rfm.segment"), get: (s) => segName(ctx, s.segment), text: true },
        { label: t("rfm.customers"), get: (s) => s.customers, fmt: f.int },
        { label: t("rfm.share"), get: (s) => s.share, fmt: f.pct },
        { label: t("rfm.revenue"), get: (s) => s.revenue, fmt: f.money },
        { label: t("rfm.revenueShare"), get: (s) => s.revenueShare, fmt: f.pct },
        { label: t("rfm.meanRecency"), get: (s) => s.meanRecency, fmt: f.dec1 },
        { label: t("rfm.meanFrequency"), get: (s) => s.meanFrequency, fmt: f.dec2 },
        { label: t("rfm.meanMonetary"), get: (s) => s.meanMonetary, fmt: f.money },
        { label: t("rfm.repurchaseRate"), get: (s) => s.repurchaseRate, fmt: f.pct },
      ],
      rows: segs,
      rowData: (s) => ({ segment: s.segment }),
    });
    const controls = [segmented(ctx, t("rfm.scheme"), rfm.scheme, [["rf10", t("scheme.rf10")], ["cn8", t("scheme.cn8")]], (v) => ctx.setOption({ rfmSegments: v }), "rfm-scheme")];
    const exportButtons = h("div", { class: "subhead" }, h("span", { class: "small muted" }, t("rfm.customerTable")),
      h("span", { class: "dl" },
        h("button", { type: "button", class: "btn small", title: t("dl.customersCsvTitle"), dataset: { download: "customers-csv" }, onclick: () => ctx.exportCustomers("csv") }, "⤓ ", t("dl.csv")),
        h("button", { type: "button", class: "btn small", title: t("dl.arrowTitle"), dataset: { download: "customers-arrow" }, onclick: () => ctx.exportCustomers("arrow") }, "⤓ ", t("dl.arrow"))));
    return card(ctx, "rfm", t("rfm.title"), t("rfm.subtitle"), controls,
      h("div", { class: "cols" },
        h("div", {}, h("div", { class: "subhead" }, h("h3", {}, t("rfm.grid")), csvButton(ctx, "rfm-grid", gridCsv)), grid,
          h("p", { class: "small muted", dataset: {} }, `${t("rfm.r")} ↓ · ${t("rfm.f")} →`)),
        figure(ctx, "rfm-segments", t("rfm.chart"), chart)),
      table,
      exportButtons);
  },
};

// ----------------------------------------------------------------------------------- breakdowns

const breakdownPanel = {
  id: "breakdowns",
  title: (t) => t("bd.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const mapped = new Set(Object.values(report.ingest.mapping));
    const dims = report.breakdowns.map((b) => b.dimension);
    for (const c of ctx.columns) if (!mapped.has(c) && !dims.includes(c)) dims.push(c);
    if (!dims.length) return card(ctx, "breakdowns", t("bd.title"), t("bd.subtitle"), null, h("p", { class: "muted" }, t("bd.none")));
    const current = dims.includes(ctx.view.bdDimension) ? ctx.view.bdDimension : dims[0];
    const bd = report.breakdowns.find((b) => b.dimension === current);
    const choose = (d) => {
      if (!report.breakdowns.some((b) => b.dimension === d)) {
        const list = (ctx.options.breakdowns ?? report.breakdowns.map((b) => ({ dimension: b.dimension, attribution: b.attribution })));
        ctx.setView({ bdDimension: d }, null);
        ctx.setOption({ breakdowns: [...list, d] });
      } else ctx.setView({ bdDimension: d }, "breakdowns");
    };
    const controls = [select(ctx, t("bd.dimension"), current, dims.map((d) => [d, d]), choose, "bd-dimension")];
    if (!bd) return card(ctx, "breakdowns", t("bd.title"), t("bd.subtitle"), controls, h("p", { class: "muted" }, "…"));

    const overall = report.summary.repurchaseRate;
    const chart = intervalChart(bd.groups.map((g) => ({
      label: groupLabel(ctx, g.value), value: g.repurchaseRate, low: g.ciLow, high: g.ciHigh,
      note: `${f.pct(g.repurchaseRate)} · n=${f.int(g.customers)}`,
    })), { format: f.pct, ref: { x: overall }, title: t("bd.chart", { dim: current }), width: ctx.width }, ctx.theme);
    const table = tableBlock(ctx, {
      name: `breakdown-${current}`,
      columns: [
        { label: t("bd.value"), get: (g) => groupLabel(ctx, g.value), csv: (g) => g.value, text: true },
        { label: t("bd.customers"), get: (g) => g.customers, fmt: f.int },
        { label: t("bd.repurchaseRate"), get: (g) => g.repurchaseRate, fmt: f.pct },
        { label: t("bd.interval"), get: (g) => g.ciLow, csv: (g) => (g.ciLow == null ? null : `${g.ciLow}–${g.ciHigh}`),
          node: (g) => h("span", { title: `${f.pct(g.ciLow)} – ${f.pct(g.ciHigh)}` }, intervalBar(g.repurchaseRate, g.ciLow, g.ciHigh, ctx.theme), " ", h("span", { class: "small muted" }, g.ciLow == null ? "" : `${f.pct(g.ciLow)}–${f.pct(g.ciHigh)}`)) },
        { label: t("bd.purchasesPerCustomer"), get: (g) => g.purchasesPerCustomer, fmt: f.dec2 },
        { label: t("bd.revenuePerCustomer"), get: (g) => g.revenuePerCustomer, fmt: f.money },
        { label: t("bd.medianDaysToSecond"), get: (g) => g.medianDaysToSecond, fmt: f.dec1 },
      ],
      rows: bd.groups,
      rowData: (g) => ({ group: g.value }),
    });
    const comps = report.comparisons;
    const compTable = comps.length ? tableBlock(ctx, {
      title: t("cmp.title"),
      name: "comparisons",
      columns: [
        { label: t("cmp.pair"), get: (c) => `${c.dimension}: ${groupLabel(ctx, c.a)} vs ${groupLabel(ctx, c.b)}`, text: true },
        { label: t("cmp.rateA"), get: (c) => c.rateA, fmt: f.pct },
        { label: t("cmp.rateB"), get: (c) => c.rateB, fmt: f.pct },
        { label: t("cmp.difference"), get: (c) => c.difference, fmt: f.pp },
        { label: t("cmp.interval"), get: (c) => c.ciLow, csv: (c) => (c.ciLow == null ? null : `${c.ciLow}–${c.ciHigh}`), node: (c) => (c.ciLow == null ? "" : `${f.pp(c.ciLow)} … ${f.pp(c.ciHigh)}`) },
        { label: t("cmp.pValue"), get: (c) => c.pValue, node: (c) => h("span", { class: c.pValue != null && c.pValue < 0.05 ? "sig" : null, title: c.pValue != null && c.pValue < 0.05 ? t("cmp.significant") : null }, f.pvalue(c.pValue), c.pValue != null && c.pValue < 0.05 ? " ✓" : "") },
      ],
      rows: comps,
    }) : null;
    return card(ctx, "breakdowns", t("bd.title"), `${t("bd.subtitle")} ${t("bd.attribution", { a: t(`attribution.${bd.attribution}`) })}`, controls,
      figure(ctx, `breakdown-${current}`, t("bd.chart", { dim: current }), chart, t("bd.ref", { v: f.pct(overall) })),
      table,
      compTable);
  },
};

// ----------------------------------------------------------------------------------------- churn

const churnPanel = {
  id: "churn",
  title: (t) => t("churn.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const c = report.churn;
    const limit = ctx.options.listLimit ?? 200;
    let silentBlock;
    if (ctx.customers == null) {
      silentBlock = h("p", { class: "small muted" }, t("churn.loading"));
    } else {
      // Revenue descending, ties by id; the sort key is read once per customer, not per
      // comparison (hundreds of thousands of silent customers in a big file).
      const silent = ctx.customers.filter((r) => Number(r.recency) > c.silentDays)
        .map((r) => [Number(r.revenue || 0), r])
        .sort((a, b) => b[0] - a[0] || (a[1].customer < b[1].customer ? -1 : a[1].customer > b[1].customer ? 1 : 0))
        .map((x) => x[1]);
      const columns = [
        { label: t("churn.customer"), get: (r) => r.customer, text: true },
        { label: t("churn.lastPurchase"), get: (r) => r.lastPurchase, fmt: formatTime },
        { label: t("churn.recency"), get: (r) => Number(r.recency), fmt: f.int },
        { label: t("churn.purchases"), get: (r) => Number(r.purchases), fmt: f.int },
        { label: t("churn.revenue"), get: (r) => (r.revenue === "" ? null : Number(r.revenue)), fmt: f.money },
        { label: t("churn.segment"), get: (r) => segName(ctx, r.segment), text: true },
      ];
      const shown = silent.slice(0, limit);
      silentBlock = silent.length ? tableBlock(ctx, {
        title: t("churn.silentList", { d: f.int(c.silentDays), n: f.int(shown.length) }),
        name: "silent-customers",
        columns,
        rows: shown,
        note: silent.length > shown.length ? t("common.rowsShown", { shown: f.int(shown.length), total: f.int(silent.length) }) : null,
      }) : h("p", { class: "small muted" }, t("churn.none"));
      // The CSV button of a truncated list exports every silent customer.
      if (silent.length > shown.length) {
        const old = silentBlock.querySelector("[data-download=csv]");
        old.replaceWith(csvButton(ctx, "silent-customers", () => ({ header: columns.map((x) => x.label), rows: silent.map((r) => columns.map((x) => x.get(r))) })));
      }
    }
    const overdue = c.overdue.length ? tableBlock(ctx, {
      title: t("churn.overdueList", { f: f.sig(ctx.options.overdueFactor ?? 2), n: f.int(c.overdue.length) }),
      name: "overdue-customers",
      columns: [
        { label: t("churn.customer"), get: (r) => r.customer, text: true },
        { label: t("churn.lastPurchase"), get: (r) => r.lastPurchase, fmt: formatTime },
        { label: t("churn.daysSinceLast"), get: (r) => r.daysSinceLast, fmt: f.dec1 },
        { label: t("churn.medianGapDays"), get: (r) => r.medianGapDays, fmt: f.dec1 },
        { label: t("churn.purchases"), get: (r) => r.purchases, fmt: f.int },
        { label: t("churn.revenue"), get: (r) => r.revenue, fmt: f.money },
        { label: t("churn.overdueRatio"), get: (r) => r.overdueRatio, fmt: (v) => (v == null ? "" : `${f.dec1(v)}×`) },
      ],
      rows: c.overdue,
      note: c.overdueCount > c.overdue.length ? t("common.rowsShown", { shown: f.int(c.overdue.length), total: f.int(c.overdueCount) }) : null,
    }) : h("p", { class: "small muted" }, t("churn.none"));
    return card(ctx, "churn", t("churn.title"), t("churn.subtitle"), null,
      h("div", { class: "kpis" },
        kpi("silent", t("churn.silent"), c.silent, f.int(c.silent), `> ${f.int(c.silentDays)} ${ctx.lang === "zh" ? "天" : "days"}`),
        kpi("silentShareChurn", t("churn.silentShare"), c.silentShare, f.pct(c.silentShare)),
        moneyKpi(ctx, "silentRevenue", t("churn.silentRevenue"), c.silentRevenue),
        kpi("overdueCount", t("churn.overdueCount"), c.overdueCount, f.int(c.overdueCount))),
      silentBlock,
      overdue);
  },
};

// ------------------------------------------------------------------------------------------- CLV

/** "YYYY-MM-DD" plus n days (UTC calendar arithmetic). */
function addDays(date, n) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
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
  const holdoutText = new Intl.NumberFormat(intlLocale(ctx.lang), { maximumFractionDigits: 1 }).format(cal.holdout);
  const diff = cal.actual ? (cal.predicted - cal.actual) / cal.actual : null;
  const split = formatTime(cal.split);
  const num = (name, value, text) => h("b", { dataset: { cal: name, value: value == null ? "" : String(value) } }, text);
  const summary = h("p", { class: "calibration-summary" }, tNodes(ctx, "clv.cal.summary", {
    split: num("split", cal.split, split),
    holdout: h("span", { dataset: { cal: "holdout", value: String(cal.holdout) } }, holdoutText),
    unit,
    predicted: num("predicted", cal.predicted, f.dec1(cal.predicted)),
    actual: num("actual", cal.actual, f.int(cal.actual)),
    diff: h("span", { dataset: { cal: "diff", value: diff == null ? "" : String(diff) } }, diff == null ? "–" : t("clv.cal.diff", { d: f.pp(diff) })),
  }));

  const series = [
    { label: t("clv.cal.predicted"), key: "predicted", color: ctx.theme.series[0] },
    { label: t("clv.cal.actual"), key: "actual", color: ctx.theme.series[1] },
  ];
  const chart = groupedColumnChart(cal.groups.map((g) => ({
    label: g.frequency,
    key: g.frequency,
    sub: `n=${f.int(g.customers)}`,
    values: [g.predicted, g.actual],
    titles: [
      `${g.frequency} · ${t("clv.cal.predicted")}: ${g.predicted == null ? "–" : f.dec2(g.predicted)} (n=${f.int(g.customers)})`,
      `${g.frequency} · ${t("clv.cal.actual")}: ${g.actual == null ? "–" : f.dec2(g.actual)} (n=${f.int(g.customers)})`,
    ],
  })), { series, format: f.dec2, axisFormat: f.sig, xTitle: t("clv.cal.xTitle"), title: t("clv.cal.chart"), width: ctx.half, height: 300 }, ctx.theme);

  const perCustomer = (total) => (cal.customers ? total / cal.customers : null);
  const signed = (v) => (v == null ? "" : (v > 0 ? "+" : v < 0 ? "−" : "") + f.dec2(Math.abs(v)));
  const table = tableBlock(ctx, {
    name: "clv-calibration",
    columns: [
      { label: t("clv.cal.group"), get: (g) => g.frequency, text: true },
      { label: t("clv.cal.customers"), get: (g) => g.customers, fmt: f.int },
      { label: t("clv.cal.predictedMean"), get: (g) => g.predicted, fmt: f.dec2 },
      { label: t("clv.cal.actualMean"), get: (g) => g.actual, fmt: f.dec2 },
      { label: t("clv.cal.difference"), get: (g) => (g.predicted == null || g.actual == null ? null : g.predicted - g.actual), fmt: signed },
    ],
    rows: cal.groups,
    rowData: (g) => ({ frequency: g.frequency }),
    foot: [t("clv.cal.all"), f.int(cal.customers), f.dec2(perCustomer(cal.predicted)), f.dec2(perCustomer(cal.actual)), signed(cal.customers ? perCustomer(cal.predicted) - perCustomer(cal.actual) : null)],
  });
  const p = cal.bgnbd;
  const params = `${t("clv.cal.params")}: BG/NBD r=${f.sig(p.r)} α=${f.sig(p.alpha)} a=${f.sig(p.a)} b=${f.sig(p.b)} (LL ${f.dec1(p.logLikelihood)})`;
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

const clvPanel = {
  id: "clv",
  title: (t) => t("clv.title"),
  when: (ctx) => ctx.report?.clv != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const clv = report.clv;
    const cs = clv.customers;
    const sum = (xs) => xs.reduce((a, b) => a + (b ?? 0), 0);
    const withClv = cs.filter((c) => c.clv != null);
    // Totals and the P(alive) histogram come from the engine (they cover every customer even
    // when the Report lists only the top clvCustomerLimit).
    const totals = clv.totals ?? {
      meanPAlive: cs.length ? sum(cs.map((c) => c.pAlive)) / cs.length : null,
      expectedPurchases: sum(cs.map((c) => c.expectedPurchases)),
      expectedPurchases90d: cs.some((c) => c.expectedPurchases90d != null) ? sum(cs.map((c) => c.expectedPurchases90d)) : null,
      clv: withClv.length ? sum(withClv.map((c) => c.clv)) : null,
    };
    const meanPAlive = totals.meanPAlive;
    const expected = totals.expectedPurchases;
    const expected90 = totals.expectedPurchases90d;

    const bins = Array.from({ length: 10 }, (_, i) => ({ label: `${i * 10}–${i * 10 + 10}%`, value: clv.pAliveHistogram?.[i] ?? 0 }));
    if (!clv.pAliveHistogram) for (const c of cs) bins[Math.min(9, Math.floor(c.pAlive * 10))].value++;
    const pChart = columnChart(bins, { format: f.int, xTitle: t("clv.pAlive"), title: t("clv.pAliveChart"), width: ctx.half }, ctx.theme);

    const key = withClv.length ? "clv" : "expectedPurchases";
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

    // By segment and by cohort: the engine's summaries, or (older engines) a join through the
    // per-customer table.
    let bySegment = clv.bySegment;
    let byCohort = clv.byCohort;
    if ((!bySegment || !byCohort) && ctx.customers && withClv.length) {
      const byId = new Map(ctx.customers.map((r) => [r.customer, r]));
      const agg = (keyOf) => {
        const m = new Map();
        for (const c of cs) {
          const row = byId.get(c.customer);
          if (!row) continue;
          const k = keyOf(row);
          const g = m.get(k) ?? { group: k, customers: 0, expectedPurchases: 0, clv: 0 };
          g.customers++; g.expectedPurchases += c.expectedPurchases; g.clv += c.clv ?? 0;
          m.set(k, g);
        }
        return [...m.values()].map((g) => ({ ...g, meanExpectedPurchases: g.expectedPurchases / g.customers, meanClv: g.clv / g.customers }));
      };
      bySegment ??= agg((r) => r.segment);
      byCohort ??= agg((r) => periodLabel(r.firstPurchase, report.cohorts.grain)).sort((a, b) => (a.group < b.group ? -1 : 1));
    }
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

    const p = clv.bgnbd;
    const gg = clv.gammaGamma;
    const params = `BG/NBD r=${f.sig(p.r)} α=${f.sig(p.alpha)} a=${f.sig(p.a)} b=${f.sig(p.b)} (LL ${f.dec1(p.logLikelihood)})` +
      (gg ? ` · Gamma-Gamma p=${f.sig(gg.p)} q=${f.sig(gg.q)} γ=${f.sig(gg.gamma)}` : "");
    return card(ctx, "clv", t("clv.title"), t("clv.subtitle", { h: f.int(clv.horizon), unit: t(`clv.unit.${clv.unit}`) }), null,
      h("div", { class: "kpis" },
        kpi("clvFitCustomers", t("clv.fitCustomers"), clv.fitCustomers, f.int(clv.fitCustomers)),
        kpi("clvRepeatCustomers", t("clv.repeatCustomers"), clv.repeatCustomers, f.int(clv.repeatCustomers)),
        kpi("clvMeanPAlive", t("clv.meanPAlive"), meanPAlive, f.pct(meanPAlive)),
        kpi("clvExpectedPurchases", t("clv.expectedPurchases"), expected, f.dec1(expected)),
        expected90 != null ? kpi("clvExpected90", t("clv.expected90Total"), expected90, f.dec1(expected90)) : null,
        totals.clv != null ? moneyKpi(ctx, "clvTotal", t("clv.totalClv"), totals.clv, null, true) : null),
      h("p", { class: "small muted" }, t("clv.params"), ": ", params),
      h("div", { class: "cols" }, figure(ctx, "clv-p-alive", t("clv.pAliveChart"), pChart), segChart),
      calibrationBlock(ctx),
      segTable,
      topTable,
      cohortTable);
  },
};

/** The panels in page order. Push to CohortLens.panels (before a render) to add one. */
export const PANELS = [dataPanel, kpiPanel, cohortPanel, funnelPanel, periodPanel, rfmPanel, breakdownPanel, churnPanel, clvPanel];
