import { h, formatTime } from "../format.js";
import { card, tableBlock, delimiterName } from "./common.js";

// ------------------------------------------------------------------------------ data & mapping

/** The roles a column can play (Options.mapping keys), one select each. */
const ROLES = ["customer", "time", "amount", "order", "status", "quantity", "unitPrice", "refundedAmount"];

export const dataPanel = {
  id: "data",
  title: (t) => t("data.title"),
  // Not for an error no column mapping can fix (WebAssembly refused by the page's CSP).
  when: (ctx) => ctx.report != null || (ctx.error != null && ctx.error.code !== "CspBlocked"),
  render(ctx) {
    const { t, f, report } = ctx;
    const ingest = report?.ingest;
    // The mapping in force: the report's, else the caller's, else the one the engine proposes
    // for this file (probe), so that a role chosen here keeps the engine's other choices.
    const probe = ctx.probe;
    const mapping = ingest?.mapping ?? ctx.options.mapping ?? probe?.mapping ?? {};
    // The file's columns as the engine reads them (probe: encoding, delimiter, header); for a
    // workbook or Arrow file, those the report names.
    const columns = [...ctx.columns];
    for (const c of Object.values(mapping)) if (c && !columns.includes(c)) columns.push(c);
    for (const b of report?.breakdowns ?? []) if (!columns.includes(b.dimension)) columns.push(b.dimension);
    const overridden = ctx.ui.mapping != null;
    // Without a report, a mapping or a probe (the file could not be read), an empty role means
    // "the engine guesses".
    const auto = !report && !ctx.options.mapping && !probe?.header.length;

    // Why the engine chose each column (issue 13): the report's explanation, else the probe's;
    // a choice is only shown while the column is still the one in force.
    const choices = ingest?.choices ?? probe?.choices ?? [];
    const why = (role) => {
      const c = choices.find((x) => x.role === role && x.column === mapping[role]);
      if (!c) return null;
      const runner = c.runnerUp != null ? t("data.runnerUp", { column: c.runnerUp, reason: c.runnerUpReason ?? "" }) : null;
      const fallback = role === "customer" && ingest?.customerFallback
        ? t("data.fallback", { column: ingest.customerFallback.column, n: f.int(ingest.customerFallback.rows) })
        : null;
      return h("small", { class: "why muted", dataset: { why: role } }, [c.reason, runner, fallback].filter(Boolean).join(" · "));
    };

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
      return h("label", { class: "field" }, t(`role.${role}`), sel, why(role));
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
        probe?.encoding ? [h("dt", {}, t("data.encoding")), h("dd", { dataset: { encoding: probe.encoding } }, probe.encoding)] : null,
        probe?.delimiter ? [h("dt", {}, t("data.delimiter")), h("dd", { dataset: { delimiter: probe.delimiter } }, delimiterName(ctx, probe.delimiter))] : null,
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
