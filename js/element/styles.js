// The stylesheet of <cohort-lens>'s shadow root, adopted as a constructable stylesheet (CSSOM),
// so a page whose CSP has no 'unsafe-inline' in style-src still styles the element. Themable
// through the --cohort-lens-* custom properties listed in element.d.ts.

export const CSS = `
:host {
  --_font: var(--cohort-lens-font, system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", Roboto, "Helvetica Neue", Arial, sans-serif);
  --_text: var(--cohort-lens-text, #1d2430);
  --_muted: var(--cohort-lens-muted, #5d6878);
  --_bg: var(--cohort-lens-bg, transparent);
  --_surface: var(--cohort-lens-surface, #ffffff);
  --_border: var(--cohort-lens-border, #e2e7ee);
  --_grid: var(--cohort-lens-grid, #edf0f5);
  --_track: var(--cohort-lens-track, #eef2f7);
  --_accent: var(--cohort-lens-accent, #2f6fed);
  --_on-accent: var(--cohort-lens-on-accent, #ffffff);
  --_heat: var(--cohort-lens-heat, #2f6fed);
  --_good: var(--cohort-lens-good, #17804d);
  --_bad: var(--cohort-lens-bad, #c23b2e);
  --_warn: var(--cohort-lens-warn, #8a5a00);
  --_radius: var(--cohort-lens-radius, 12px);
  display: block;
  font-family: var(--_font);
  color: var(--_text);
  background: var(--_bg);
  font-size: 14px;
  line-height: 1.45;
  container-type: inline-size;
}
/* Dark defaults (screens only: a report prints on white); a page's --cohort-lens-* still win. */
@media screen and (prefers-color-scheme: dark) {
  :host {
    --_text: var(--cohort-lens-text, #e6eaf0);
    --_muted: var(--cohort-lens-muted, #a6b0be);
    --_surface: var(--cohort-lens-surface, #171b22);
    --_border: var(--cohort-lens-border, #323a47);
    --_grid: var(--cohort-lens-grid, #262d38);
    --_track: var(--cohort-lens-track, #232a34);
    --_accent: var(--cohort-lens-accent, #7aa5ff);
    --_on-accent: var(--cohort-lens-on-accent, #0f1217);
    --_heat: var(--cohort-lens-heat, #5b8cff);
    --_good: var(--cohort-lens-good, #4cc38a);
    --_bad: var(--cohort-lens-bad, #ff7b6e);
    --_warn: var(--cohort-lens-warn, #f0b34a);
    color-scheme: dark;
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
button, select, input { font: inherit; color: inherit; }
h2 { font-size: 17px; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
h3 { font-size: 14px; margin: 18px 0 8px; font-weight: 600; }
p { margin: 0; }
.muted { color: var(--_muted); }
.small { font-size: 12.5px; }
.num { font-variant-numeric: tabular-nums; }

/* status bar + progress */
.status { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; min-height: 28px; margin-bottom: 10px; color: var(--_muted); font-size: 13px; }
.status .file { font-weight: 600; color: var(--_text); }
.status .private { display: inline-flex; align-items: center; gap: 5px; color: var(--_good); }
.progress { flex: 1 1 220px; max-width: 420px; height: 6px; border-radius: 3px; background: var(--_track); overflow: hidden; position: relative; }
.progress > div { position: absolute; inset: 0 auto 0 0; background: var(--_accent); border-radius: 3px; transition: width .15s; }
.progress.indeterminate > div { width: 35% !important; animation: slide 1.1s ease-in-out infinite; }
@keyframes slide { from { left: -35%; } to { left: 100%; } }
@media (prefers-reduced-motion: reduce) { .progress.indeterminate > div { animation: none; left: 0; width: 100% !important; opacity: .5; } }

.panels { transition: opacity .2s; }
/* A panel still showing the last Report (drawn again a panel a task) dims if it takes long. */
.panels.busy, .panels > [aria-busy="true"] { opacity: .55; transition: opacity .2s .2s; }

/* empty state */
.empty { border: 2px dashed var(--_border); border-radius: var(--_radius); padding: 48px 24px; text-align: center; background: var(--_surface); color: var(--_muted); }
.empty.over { border-color: var(--_accent); background: color-mix(in srgb, var(--_accent) 6%, var(--_surface)); }
.empty p + p { margin-top: 8px; }
.empty .pick { margin-top: 16px; }

/* buttons and controls */
.btn { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--_border); background: var(--_surface); border-radius: 8px; padding: 5px 12px; cursor: pointer; font-size: 13px; line-height: 1.3; }
.btn:hover { border-color: color-mix(in srgb, var(--_accent) 50%, var(--_border)); }
.btn:focus-visible, select:focus-visible, .chip:focus-visible, input:focus-visible + .btn { outline: 2px solid var(--_accent); outline-offset: 2px; }
.btn.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_on-accent); }
.btn.small { padding: 2px 8px; font-size: 12px; border-radius: 6px; }
.dl { display: inline-flex; gap: 4px; }
.dl .btn { color: var(--_muted); }
.controls { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; }
.field { display: inline-flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--_muted); }
select { border: 1px solid var(--_border); border-radius: 8px; padding: 5px 8px; background: var(--_surface); min-width: 120px; max-width: 260px; }
input[type="date"] { border: 1px solid var(--_border); border-radius: 8px; padding: 4px 8px; background: var(--_surface); min-width: 150px; }
/* A date input's calendar button takes focus inside it without :focus-visible on the input. */
input:focus-visible, input[type="date"]:focus-within { outline: 2px solid var(--_accent); outline-offset: 2px; }
input[aria-invalid="true"] { border-color: var(--_bad); }
.seg { display: inline-flex; border: 1px solid var(--_border); border-radius: 8px; overflow: hidden; background: var(--_surface); }
.seg button { border: 0; background: none; padding: 5px 11px; cursor: pointer; font-size: 13px; color: var(--_muted); }
.seg button + button { border-left: 1px solid var(--_border); }
.seg button[aria-pressed="true"] { background: color-mix(in srgb, var(--_accent) 14%, var(--_surface)); color: var(--_text); font-weight: 600; box-shadow: inset 0 -2px 0 var(--_accent); }
.seg button:focus-visible { outline: 2px solid var(--_accent); outline-offset: -2px; }

/* navigation */
nav { position: sticky; top: 0; z-index: 2; display: flex; gap: 6px; flex-wrap: wrap; padding: 8px 0; margin-bottom: 6px; background: color-mix(in srgb, var(--_surface) 82%, transparent); backdrop-filter: blur(6px); }
.chip { border: 1px solid var(--_border); background: var(--_surface); border-radius: 999px; padding: 3px 12px; font-size: 12.5px; cursor: pointer; color: var(--_muted); }
.chip:hover { color: var(--_accent); border-color: var(--_accent); }
/* Whatever takes focus scrolls clear of the sticky nav above it (one or two rows of chips; the
   element corrects the rest, see #clearOfNav). */
.panels :is(h2, h3, button, a, input, select, summary, td, [tabindex]) { scroll-margin-top: 88px; }
h2:focus { outline: none; }
h2:focus-visible, .table-wrap:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }

/* cards */
section.card { background: var(--_surface); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 18px 20px 20px; margin: 0 0 16px; scroll-margin-top: 52px; }
/* A card off screen is not laid out or painted (until near the viewport): a new Report, drawn
   a panel a task, costs the page's frames only the cards in view. */
section.card { content-visibility: auto; contain-intrinsic-size: auto 600px; }
.card-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px 20px; flex-wrap: wrap; margin-bottom: 14px; }
.card-head .titles { flex: 1 1 320px; }
.card-head .titles p { color: var(--_muted); font-size: 13px; margin-top: 3px; }
.subhead { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap; margin: 20px 0 8px; }
.subhead h3 { margin: 0; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr)); gap: 8px 28px; }
.cols > * { min-width: 0; }

/* CLV calibration check */
.calibration { margin-top: 24px; padding-top: 2px; border-top: 1px solid var(--_border); }
.calibration .calibration-head { align-items: flex-end; }
.calibration-head > div:first-child { flex: 1 1 320px; }
.calibration-head .explain { margin-top: 3px; max-width: 78ch; }
.clv-model { margin: 4px 0 10px; }
.how-to-read { margin: 10px 0; }
.how-to-read summary { cursor: pointer; font-weight: 600; }
.how-to-read p { max-width: 78ch; margin: 6px 0; }
.calibration-summary { margin-top: 6px; font-size: 13.5px; }
.calibration > .neg { margin-top: 4px; }
.calibration .cols .subhead { margin-top: 14px; }
.calibration table thead th { white-space: normal; vertical-align: bottom; }
.calibration table thead th + th { word-break: keep-all; }

/* error */
.error { border: 1px solid color-mix(in srgb, var(--_bad) 45%, var(--_border)); background: color-mix(in srgb, var(--_bad) 6%, var(--_surface)); border-radius: var(--_radius); padding: 16px 20px; margin-bottom: 16px; }
.error h2 { color: var(--_bad); }
.error .code { display: inline-block; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; background: color-mix(in srgb, var(--_bad) 12%, var(--_surface)); color: var(--_bad); border-radius: 6px; padding: 1px 7px; margin-right: 8px; }
.error .message { margin-top: 8px; font-size: 15px; }
.error .message .text { display: inline-block; }
.error .message .text::first-letter { text-transform: uppercase; }
.error .where, .error .hint { margin-top: 6px; color: var(--_muted); }

/* KPI cards */
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 140px), 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--_border); border-radius: 10px; padding: 12px 14px; background: var(--_surface); min-width: 0; }
.kpi .label { font-size: 12.5px; color: var(--_muted); }
/* Long values wrap inside the card rather than spill out of it (money KPIs go compact first). */
.kpi .value { font-size: 26px; font-weight: 680; letter-spacing: -0.02em; margin-top: 2px; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.kpi .note { font-size: 12px; color: var(--_muted); margin-top: 2px; }
.kpi.accent { border-color: color-mix(in srgb, var(--_accent) 40%, var(--_border)); background: color-mix(in srgb, var(--_accent) 5%, var(--_surface)); }
.kpi.accent .value { color: var(--_accent); }

/* facts (definition lists) */
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; font-size: 13px; }
dl.facts dt { color: var(--_muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
ul.warnings { margin: 6px 0 0; padding-left: 18px; color: var(--_warn); font-size: 13px; }
.mapping { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px 14px; }
.mapping select { width: 100%; max-width: none; }
.mapping .auto { font-size: 11px; color: var(--_muted); }

/* tables */
.table-wrap { overflow: auto; max-width: 100%; border: 1px solid var(--_border); border-radius: 10px; }
.table-wrap.tall { max-height: 560px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--_grid); }
th { font-weight: 600; color: var(--_muted); font-size: 12px; background: var(--_surface); position: sticky; top: 0; z-index: 1; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; white-space: normal; min-width: 7em; max-width: 360px; overflow-wrap: break-word; }
tbody th { font-weight: 500; color: var(--_text); }
tbody tr:hover td { background: color-mix(in srgb, var(--_accent) 4%, transparent); }
tbody tr:last-child td { border-bottom: 0; }
tfoot td { font-weight: 600; border-top: 2px solid var(--_border); border-bottom: 0; background: var(--_surface); position: sticky; bottom: 0; }
.more { margin-top: 8px; display: flex; gap: 12px; align-items: center; font-size: 12.5px; color: var(--_muted); }
.sig { color: var(--_good); font-weight: 600; }
.neg { color: var(--_bad); }

/* cohort heatmap */
table.heat { width: auto; min-width: 100%; }
table.heat th, table.heat td { padding: 5px 8px; min-width: 58px; }
/* Cell fills and text colours: a class per step of the ramp, its colours set on the table by
   the cohort panel (colors.js: text chosen by contrast). */
${Array.from({ length: 101 }, (_, i) => `table.heat td.h${i} { background-color: var(--heat-bg-${i}); color: var(--heat-fg-${i}); }`).join("\n")}
table.heat td.c { border-bottom: 1px solid var(--_surface); border-right: 1px solid var(--_surface); }
table.heat td.c:focus { outline: 2px solid var(--_text); outline-offset: -2px; box-shadow: inset 0 0 0 4px var(--_surface); }
.cell-details { margin-top: 6px; min-height: 1.45em; color: var(--_text); }
table.heat td.c.partial { background-image: repeating-linear-gradient(135deg, transparent 0 5px, color-mix(in srgb, var(--_surface) 45%, transparent) 5px 7px); font-style: italic; }
table.heat td.c.partial::after { content: "*"; margin-left: 1px; opacity: .8; }
table.heat td.c.null { background: var(--_surface); }
/* The rows of a long heatmap not drawn (out of the box's view): one spacer row stands for them. */
table.heat tr.spacer td { position: static; padding: 0; border: 0; background: none; }
table.heat th:first-child, table.heat td:first-child { position: sticky; left: 0; z-index: 1; background: var(--_surface); }
/* Stacked as they scroll: the corner over the head row over the cohort column over the cells. */
table.heat thead th { z-index: 2; }
table.heat thead th:first-child { z-index: 3; }
table.heat tfoot td { position: sticky; bottom: 0; }
table.heat tfoot td:first-child { z-index: 3; }
.legend { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; font-size: 12px; color: var(--_muted); margin-top: 8px; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 5px; border: 1px solid var(--_border); }
.swatch.partial { background-image: repeating-linear-gradient(135deg, var(--_track) 0 3px, var(--_surface) 3px 5px); }

/* RFM grid */
table.rfm { width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 3px; font-size: 12.5px; max-width: 540px; }
table.rfm thead th:first-child { width: 44px; }
table.rfm th.h { color: var(--_muted); text-align: center; font-size: 12px; padding: 2px 6px; position: static; background: none; border: 0; font-weight: 600; }
table.rfm td.cell { border-radius: 6px; padding: 8px 4px; text-align: center; height: 56px; white-space: normal; border: 0; overflow-wrap: anywhere; hyphens: auto; }
table.rfm td.cell b { display: block; font-size: 15px; }
table.rfm td.cell span { display: block; font-size: 10.5px; line-height: 1.2; }
.axis-title { font-size: 12px; color: var(--_muted); }

/* charts */
figure { margin: 0; }
figure .chart { overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap; margin: 14px 0 6px; }
figcaption .t { font-weight: 600; font-size: 13.5px; }
td svg { vertical-align: middle; }

.stack > * + * { margin-top: 14px; }
.print-head { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@container (max-width: 560px) {
  nav { flex-wrap: nowrap; overflow-x: auto; scrollbar-width: none; }
  nav .chip { flex: none; }
  section.card { padding: 14px 12px; }
  .kpi .value { font-size: 22px; }
  /* A narrow first column leaves room for the data beside it (a long label wraps). */
  th, td { padding: 5px 6px; }
  tbody th.text, td.text, th.text { min-width: 5.5em; max-width: 9em; }
  table.heat th:first-child, table.heat td:first-child { white-space: normal; min-width: 5.4em; max-width: 6.5em; }
  table.heat th, table.heat td { min-width: 46px; padding: 4px 5px; }
  table.rfm { border-spacing: 2px; }
  /* A switch of long labels (the heatmap's four metrics) stays inside its card: narrower buttons. */
  .seg { max-width: 100%; }
  .seg button { padding: 5px 7px; }
  table.rfm td.cell { padding: 5px 2px; }
  table.rfm td.cell span, table.rfm td.cell button.cell-open span { font-size: 9.5px; }
}
/* issue 10: filters, settings, customer lists, banners */
[hidden] { display: none !important; }
.banner { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 16px; border: 1px solid color-mix(in srgb, #d89614 45%, var(--_border)); background: color-mix(in srgb, #f5b82e 12%, var(--_surface)); border-radius: var(--_radius); padding: 12px 16px; margin-bottom: 16px; }
.banner p { flex: 1 1 360px; }
.banner .controls { display: flex; gap: 8px; align-items: flex-end; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px; }
.fchip { display: inline-flex; align-items: center; gap: 4px; border: 1px solid color-mix(in srgb, var(--_accent) 40%, var(--_border)); background: color-mix(in srgb, var(--_accent) 8%, var(--_surface)); border-radius: 999px; padding: 2px 4px 2px 12px; font-size: 12.5px; }
.fchip .x { border: 0; background: none; cursor: pointer; font-size: 15px; line-height: 1; padding: 2px 7px; border-radius: 999px; color: var(--_muted); }
.fchip .x:hover, .fchip .x:focus-visible { background: color-mix(in srgb, var(--_accent) 18%, var(--_surface)); color: var(--_text); }
.fchip .x:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
.filter-summary { margin-top: 8px; color: var(--_muted); }
.filter-note { margin: -4px 0 10px; color: var(--_accent); font-weight: 500; }
.filter-add { margin-top: 12px; }
.filter-row { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: flex-end; }
.field input[type=number] { width: 9em; }
.field input, .field select { border: 1px solid var(--_border); border-radius: 6px; padding: 4px 6px; background: var(--_surface); }
fieldset.values { border: 1px solid var(--_border); border-radius: 8px; margin: 10px 0 0; padding: 6px 10px; max-height: 168px; overflow: auto; display: flex; flex-wrap: wrap; gap: 2px 14px; }
fieldset.values legend { font-size: 12.5px; color: var(--_muted); padding: 0 4px; }
fieldset.values p { flex-basis: 100%; }
fieldset.settings-fields { border: 0; margin: 0; padding: 0; min-width: 0; }
fieldset.settings-fields:disabled { opacity: .75; }
label.check { display: inline-flex; gap: 5px; align-items: center; font-size: 13px; cursor: pointer; }
details.settings, details.fold { margin-top: 14px; border-top: 1px solid var(--_border); padding-top: 10px; }
details.settings > summary, details.fold > summary { cursor: pointer; font-weight: 600; font-size: 13.5px; }
details.fold > summary { font-weight: 500; color: var(--_muted); }
details.settings[open] > summary, details.fold[open] > summary { margin-bottom: 10px; }
.field.optional select { border-style: dashed; }
button.rowlink { all: unset; cursor: pointer; color: var(--_accent); text-decoration: underline; text-decoration-color: color-mix(in srgb, var(--_accent) 35%, transparent); text-underline-offset: 3px; }
button.rowlink:hover { text-decoration-color: var(--_accent); }
button.rowlink:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; border-radius: 3px; }
button.cell-open:focus-visible { outline: 2px solid currentColor; outline-offset: 1px; border-radius: 3px; }
button.cell-open { all: unset; display: block; cursor: pointer; width: 100%; height: 100%; }
table.rfm td.cell button.cell-open b { display: block; font-size: 15px; }
table.rfm td.cell button.cell-open span { display: block; font-size: 10.5px; line-height: 1.2; }
.list-buttons { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 4px; }
.next-list { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.next { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.next .bar { display: inline-block; width: 36px; height: 6px; border-radius: 3px; background: var(--_track); overflow: hidden; }
.next .bar > span { display: block; height: 100%; background: var(--_accent); }
dialog.customers { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 18px 20px; width: min(960px, 94vw); max-height: 86vh; color: var(--_text); background: var(--_surface); font-family: var(--_font); box-shadow: 0 18px 48px rgba(20, 30, 50, .25); }
dialog.customers::backdrop { background: rgba(20, 30, 50, .38); }
dialog.customers .dialog-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px; }
dialog.customers .list-facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 10px 0 6px; font-size: 13px; }
dialog.customers .list-facts dt { color: var(--_muted); font-size: 12px; }
dialog.customers .list-facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
dialog.customers .list-count { font-weight: 600; font-size: 15px; }
dialog.customers .list-foot { display: flex; gap: 12px; align-items: center; justify-content: space-between; margin-top: 8px; }
dialog.customers .table-wrap.tall { max-height: 50vh; }
dialog.customers td.nowrap { white-space: nowrap; }

/* Print: the report without its controls, every table whole (split by rows, headers repeated),
   the heat colours kept (their values stay readable in greyscale: the text colour is chosen by
   luminance contrast), charts at page width (drawn at the page's width by the element), no KPI,
   chart or row split across pages, headings kept with what follows. */
@media print {
  :host { font-size: 11px; --_surface: #ffffff; --_bg: transparent; }
  .print-head { display: block; margin-bottom: 10px; }
  .print-head .file { font-size: 15px; font-weight: 650; }
  .status, .mapping, .fchip .x { display: none !important; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  nav, .controls, .dl, [data-download], .cell-details, .filter-add, details.settings, .list-buttons, .more .btn, .status .progress, .status button, .empty { display: none !important; }
  .panels.busy, .panels > [aria-busy="true"] { opacity: 1; }
  section.card { content-visibility: visible; }
  section.card { border-color: #c9d0da; border-radius: 6px; padding: 10px 12px; margin-bottom: 10px; break-inside: auto; }
  .card-head { margin-bottom: 8px; }
  h2, h3, .card-head, .subhead, figcaption { break-after: avoid; }
  .kpi, figure, dl.facts, table.rfm, .banner, tr, .error { break-inside: avoid; }
  .kpis { grid-template-columns: repeat(4, 1fr); gap: 6px; }
  .kpi { padding: 6px 8px; }
  .kpi .value { font-size: 18px; }
  .table-wrap, .table-wrap.tall { overflow: visible; max-height: none; border: 0; border-radius: 0; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  /* Sticky cells would print over the rows. */
  th, td { position: static !important; }
  table { font-size: 10px; line-height: 1.25; }
  th { font-size: 9.5px; }
  th, td { padding: 1.5px 6px; }
  td.text, th.text { max-width: none; }
  /* The heatmap fits the page's width up to about 40 periods on a landscape A4 page (25 on a
     portrait one): its type shrinks with the number of columns (--cols, set by the cohort
     panel) between 5.5 and 10 px. */
  table.heat { width: 100%; min-width: 0; font-size: clamp(5.5px, calc(92cqi / var(--cols, 26) / 4.6), 10px); }
  table.heat th, table.heat td { min-width: 0; padding: 2px 3px; font-size: 1em; }
  table.heat thead th, table.heat tfoot td:first-child { white-space: normal; }
  figure .chart { overflow: visible; }
  figure svg { width: 100%; max-width: 100%; height: auto; }
  dialog { display: none; }
  button.rowlink { text-decoration: none; color: inherit; }
}
`;

let sheet;
/** The shared constructable stylesheet (one per document realm). */
export function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}
