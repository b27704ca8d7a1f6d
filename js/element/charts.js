// Plain-SVG charts of <cohort-lens>: no library, no inline style attributes (CSP-friendly), every
// colour written as a presentation attribute so a chart serialises to a self-contained .svg and
// rasterises to .png through an <img> + <canvas>. Text from the file goes in with textContent.

const NS = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  if (text != null) el.textContent = String(text);
  return el;
}

/** Rough text width in px for a font size: CJK characters are ~1 em, others ~0.58 em. */
function textWidth(str, size) {
  let w = 0;
  for (const ch of String(str)) w += ch === "…" ? 1 : /[\u2E80-\uFFFF]/.test(ch) ? 1 : 0.58;
  return w * size;
}

function truncate(str, size, max) {
  str = String(str);
  if (textWidth(str, size) <= max) return str;
  let out = "";
  for (const ch of str) {
    if (textWidth(out + ch + "…", size) > max) break;
    out += ch;
  }
  return out + "…";
}

/** Nice round ticks between 0 and max. */
function ticks(max, count = 5) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const out = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < max) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

function svgRoot(width, height, theme, title) {
  const root = s("svg", {
    xmlns: NS,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "font-family": theme.font,
    "font-size": 12,
    fill: theme.text,
  });
  if (title) root.append(s("title", {}, title));
  root.append(s("rect", { x: 0, y: 0, width, height, fill: theme.surface }));
  return root;
}

/**
 * The legend below a chart, from (x, y): its items wrap onto further lines where the chart is
 * too narrow for them, and the chart grows by those lines (its background and viewBox too).
 */
function legend(root, items, x, y, theme) {
  const width = Number(root.getAttribute("width"));
  const lineHeight = 18;
  let cx = x;
  let cy = y;
  for (const it of items) {
    const w = 24 + textWidth(it.label, 12);
    if (cx > x && cx + w > width - 8) {
      cx = x;
      cy += lineHeight;
    }
    const g = s("g", { transform: `translate(${cx},${cy})` });
    if (it.line) g.append(s("line", { x1: 0, y1: 6, x2: 18, y2: 6, stroke: it.color, "stroke-width": it.width ?? 2, "stroke-dasharray": it.dash }));
    else g.append(s("rect", { x: 4, y: 1, width: 10, height: 10, rx: 2, fill: it.color }));
    g.append(s("text", { x: 24, y: 10, fill: theme.muted }, it.label));
    root.append(g);
    cx += w + 18;
  }
  if (cy > y) {
    const height = Number(root.getAttribute("height")) + cy - y;
    root.setAttribute("height", height);
    root.setAttribute("viewBox", `0 0 ${width} ${height}`);
    root.querySelector(":scope > rect")?.setAttribute("height", height);
  }
}

/**
 * Line chart. series: [{label, color, width, dash, points: [[x, y|null], …]}]; x numeric.
 * opts: {xLabels?: string[] (labels at integer x), xTitle, yMax, yFormat, ref: {y, label}}.
 */
export function lineChart(series, opts, theme) {
  const width = opts.width ?? 720;
  const height = opts.height ?? 300;
  const m = { top: 16, right: 20, bottom: opts.legend ? 64 : 44, left: 56 };
  const root = svgRoot(width, height, theme, opts.title);
  const xs = series.flatMap((se) => se.points.map((p) => p[0]));
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(1, ...xs);
  const ys = series.flatMap((se) => se.points.map((p) => p[1]).filter((v) => v != null));
  const yMax = opts.yMax ?? Math.max(...ys, opts.ref?.y ?? 0, 1e-9);
  const yt = ticks(yMax);
  const top = yt[yt.length - 1] || 1;
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const X = (x) => m.left + ((x - xMin) / (xMax - xMin || 1)) * pw;
  const Y = (y) => m.top + ph - (y / top) * ph;
  const axis = s("g", { "font-size": 11, fill: theme.muted });
  for (const v of yt) {
    axis.append(s("line", { x1: m.left, x2: width - m.right, y1: Y(v), y2: Y(v), stroke: theme.grid, "stroke-width": 1 }));
    axis.append(s("text", { x: m.left - 6, y: Y(v) + 4, "text-anchor": "end" }, opts.yFormat(v)));
  }
  const every = Math.max(1, Math.ceil((xMax - xMin + 1) / Math.floor(pw / 56)));
  for (let x = Math.ceil(xMin); x <= xMax; x += every) {
    const label = opts.xLabels ? opts.xLabels[x] ?? "" : String(x);
    axis.append(s("line", { x1: X(x), x2: X(x), y1: m.top + ph, y2: m.top + ph + 4, stroke: theme.grid }));
    axis.append(s("text", { x: X(x), y: m.top + ph + 17, "text-anchor": "middle" }, label));
  }
  if (opts.xTitle) axis.append(s("text", { x: m.left + pw / 2, y: m.top + ph + 34, "text-anchor": "middle" }, opts.xTitle));
  root.append(axis);
  if (opts.ref?.y != null) {
    root.append(s("line", { x1: m.left, x2: width - m.right, y1: Y(opts.ref.y), y2: Y(opts.ref.y), stroke: opts.ref.color ?? theme.muted, "stroke-width": 1.5, "stroke-dasharray": "5 4" }));
  }
  for (const se of series) {
    let d = "";
    let pen = false;
    for (const [x, y] of se.points) {
      if (y == null) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
      pen = true;
    }
    if (!d) continue;
    const path = s("path", { d, fill: "none", stroke: se.color, "stroke-width": se.width ?? 2, "stroke-opacity": se.opacity ?? 1, "stroke-linejoin": "round", "stroke-linecap": "round", "stroke-dasharray": se.dash });
    if (se.label) path.append(s("title", {}, se.label));
    root.append(path);
    if (se.dots) {
      for (const [x, y] of se.points) if (y != null) root.append(s("circle", { cx: X(x), cy: Y(y), r: 3, fill: se.color }));
    }
  }
  if (opts.legend) legend(root, opts.legend, m.left, height - 22, theme);
  return root;
}

/**
 * Horizontal bars, one or more series per row. rows: [{label, values: [v…], notes?: [str…]}],
 * opts: {series: [{label, color}], format, max}.
 */
export function barChart(rows, opts, theme) {
  const nSeries = opts.series.length;
  const barH = nSeries > 1 ? 12 : 20;
  const rowH = barH * nSeries + 12;
  const labelW = Math.min(200, Math.max(60, ...rows.map((r) => textWidth(r.label, 12) + 12)));
  const width = opts.width ?? 720;
  const legendH = nSeries > 1 ? 30 : 0;
  const height = rows.length * rowH + 16 + legendH;
  const root = svgRoot(width, height, theme, opts.title);
  const left = labelW + 8;
  const noteSize = nSeries > 1 ? 10 : 12;
  const right = 14 + Math.max(30, ...rows.flatMap((r) => r.values.map((v, j) => textWidth(r.notes?.[j] ?? opts.format(v), noteSize))));
  const pw = width - left - right;
  const max = opts.max ?? Math.max(1e-9, ...rows.flatMap((r) => r.values.filter((v) => v != null)));
  rows.forEach((r, i) => {
    const y0 = 8 + i * rowH;
    root.append(s("text", { x: labelW, y: y0 + (rowH - 12) / 2 + 4, "text-anchor": "end" }, truncate(r.label, 12, labelW - 4)));
    r.values.forEach((v, j) => {
      const y = y0 + j * barH;
      const w = v == null ? 0 : Math.max(v > 0 ? 1 : 0, (v / max) * pw);
      root.append(s("rect", { x: left, y, width: pw, height: barH - 2, rx: 3, fill: theme.track }));
      const bar = s("rect", { x: left, y, width: w, height: barH - 2, rx: 3, fill: opts.series[j].color });
      root.append(bar);
      const note = r.notes?.[j] ?? opts.format(v);
      root.append(s("text", { x: left + pw + 6, y: y + barH - 5, "font-size": noteSize, fill: theme.muted }, note));
    });
  });
  if (nSeries > 1) legend(root, opts.series, left, height - 22, theme);
  return root;
}

/**
 * Vertical bars (histograms). bins: [{label, value}], opts: {format, xTitle, yTitle}.
 */
export function columnChart(bins, opts, theme) {
  const width = opts.width ?? 720;
  const m = { top: 22, right: 16, bottom: opts.xTitle ? 48 : 32, left: 48 };
  const pw = width - m.left - m.right;
  const bw = pw / Math.max(1, bins.length);
  const labels = columnLabels(bins.map((b) => b.label), 11, bw - 4);
  m.bottom += labels.extra;
  const height = (opts.height ?? 260) + labels.extra;
  const root = svgRoot(width, height, theme, opts.title);
  const max = Math.max(1e-9, ...bins.map((b) => b.value ?? 0));
  const yt = ticks(max, 4);
  const top = yt[yt.length - 1] || 1;
  const ph = height - m.top - m.bottom;
  const Y = (v) => m.top + ph - (v / top) * ph;
  const axis = s("g", { "font-size": 11, fill: theme.muted });
  for (const v of yt) {
    axis.append(s("line", { x1: m.left, x2: width - m.right, y1: Y(v), y2: Y(v), stroke: theme.grid }));
    axis.append(s("text", { x: m.left - 6, y: Y(v) + 4, "text-anchor": "end" }, opts.axisFormat ? opts.axisFormat(v) : opts.format(v)));
  }
  root.append(axis);
  // Values above the bars only if every one fits its bar's width (the table beside has them all).
  const values = bins.every((b) => textWidth(opts.format(b.value), 11) <= bw - 2);
  bins.forEach((b, i) => {
    const x = m.left + i * bw;
    const v = b.value ?? 0;
    const bar = s("rect", { x: x + bw * 0.12, y: Y(v), width: bw * 0.76, height: Math.max(0, m.top + ph - Y(v)), rx: 3, fill: b.color ?? theme.series[0] });
    // The whole label and value, whatever the axis has room for.
    bar.append(s("title", {}, `${b.label}: ${opts.format(b.value)}`));
    root.append(bar);
    if (values) root.append(s("text", { x: x + bw / 2, y: Y(v) - 5, "text-anchor": "middle", "font-size": 11, fill: theme.text }, opts.format(b.value)));
    root.append(labels.draw(i, x + bw / 2, m.top + ph + 16, theme.muted));
  });
  if (opts.xTitle) root.append(s("text", { x: m.left + pw / 2, y: height - 8, "text-anchor": "middle", "font-size": 11, fill: theme.muted }, opts.xTitle));
  return root;
}

/**
 * The x labels of columns `room` px wide, so that no two overlap: on one line when every one
 * fits; else on two lines, broken after a dash or space ("180–" over "364"); else turned a
 * quarter (read bottom to top), shortened to at most 90 px. `extra` is the height they need
 * beyond one line; draw(i, x, y, fill) makes label i centred on x, its first baseline at y.
 */
function columnLabels(labels, size, room) {
  const fits = (str) => textWidth(str, size) <= room;
  if (labels.every((l) => fits(l))) {
    return { extra: 0, draw: (i, x, y, fill) => s("text", { x, y, "text-anchor": "middle", "font-size": size, fill }, labels[i]) };
  }
  const lines = labels.map((l) => {
    const at = String(l).search(/[–\-\s][^–\-\s]*$/);
    return at > 0 ? [l.slice(0, at + 1).trim(), l.slice(at + 1).trim()] : [String(l)];
  });
  if (lines.every((ls) => ls.every((l) => fits(l)))) {
    return {
      extra: size + 2,
      draw: (i, x, y, fill) => {
        const text = s("text", { x, y, "text-anchor": "middle", "font-size": size, fill });
        lines[i].forEach((l, j) => text.append(s("tspan", { x, dy: j ? size + 2 : 0 }, l)));
        return text;
      },
    };
  }
  const turned = labels.map((l) => truncate(l, size, 90));
  const longest = Math.max(...turned.map((l) => textWidth(l, size)));
  return {
    extra: Math.ceil(longest) - size,
    draw: (i, x, y, fill) => s("text", { x: x + size * 0.35, y: y - size + 4, "text-anchor": "end", transform: `rotate(-90 ${x + size * 0.35} ${y - size + 4})`, "font-size": size, fill }, turned[i]),
  };
}

/**
 * Grouped vertical bars: one group per x category, one bar per series in each.
 * groups: [{label, sub?, key?, values: [v|null…], titles?: [str…]}] (sub: a second, smaller x
 * label, drawn only if every one fits); opts: {series: [{label, color, key?}], format (bar
 * labels, drawn only if every one fits), axisFormat? (y ticks), xTitle, title, width, height}.
 * Each bar carries data-group, data-series and data-value (the raw number, "" for null); a null
 * value draws no bar and a "–" in its place.
 */
export function groupedColumnChart(groups, opts, theme) {
  const width = opts.width ?? 720;
  const height = opts.height ?? 280;
  const nSeries = opts.series.length;
  const m = { top: 22, right: 16, bottom: 34, left: 48 };
  const gw = (width - m.left - m.right) / Math.max(1, groups.length);
  // Second labels: all or none (a truncated count would mislead).
  const subSize = 9.5;
  const subs = groups.some((g) => g.sub) && groups.every((g) => !g.sub || textWidth(g.sub, subSize) <= gw - 4);
  m.bottom += (subs ? 13 : 0) + (opts.xTitle ? 16 : 0) + (nSeries > 1 ? 26 : 0);
  const root = svgRoot(width, height, theme, opts.title);
  const max = Math.max(1e-9, ...groups.flatMap((g) => g.values.map((v) => v ?? 0)));
  const yt = ticks(max, 4);
  const top = yt[yt.length - 1] || 1;
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const Y = (v) => m.top + ph - (v / top) * ph;
  const axis = s("g", { "font-size": 11, fill: theme.muted });
  for (const v of yt) {
    axis.append(s("line", { x1: m.left, x2: width - m.right, y1: Y(v), y2: Y(v), stroke: theme.grid }));
    axis.append(s("text", { x: m.left - 6, y: Y(v) + 4, "text-anchor": "end" }, (opts.axisFormat ?? opts.format)(v)));
  }
  root.append(axis);
  const bw = Math.min(36, (gw * 0.78) / nSeries);
  // Bar labels only where they fit above their bar (rotated labels would be unreadable).
  const labelSize = 10;
  const labels = groups.every((g) => g.values.every((v) => textWidth(v == null ? "–" : opts.format(v), labelSize) <= bw + 6));
  groups.forEach((g, i) => {
    const x0 = m.left + i * gw + (gw - bw * nSeries) / 2;
    g.values.forEach((v, j) => {
      const x = x0 + j * bw;
      const se = opts.series[j];
      const h = v == null ? 0 : Math.max(v > 0 ? 1 : 0, m.top + ph - Y(v));
      const bar = s("rect", {
        x: x + 1, y: m.top + ph - h, width: bw - 2, height: h, rx: 2, fill: se.color,
        "data-group": g.key ?? g.label, "data-series": se.key ?? se.label, "data-value": v == null ? "" : String(v),
      });
      bar.append(s("title", {}, g.titles?.[j] ?? `${se.label}: ${v == null ? "–" : opts.format(v)}`));
      root.append(bar);
      if (labels || v == null) {
        root.append(s("text", { x: x + bw / 2, y: m.top + ph - h - 4, "text-anchor": "middle", "font-size": labelSize, fill: v == null ? theme.muted : theme.text }, v == null ? "–" : opts.format(v)));
      }
    });
    root.append(s("text", { x: m.left + i * gw + gw / 2, y: m.top + ph + 16, "text-anchor": "middle", "font-size": 11, fill: theme.text }, truncate(g.label, 11, gw - 2)));
    if (subs && g.sub) root.append(s("text", { x: m.left + i * gw + gw / 2, y: m.top + ph + 29, "text-anchor": "middle", "font-size": subSize, fill: theme.muted }, g.sub));
  });
  root.append(s("line", { x1: m.left, x2: width - m.right, y1: m.top + ph, y2: m.top + ph, stroke: theme.muted, "stroke-opacity": 0.5 }));
  if (opts.xTitle) root.append(s("text", { x: m.left + pw / 2, y: m.top + ph + (subs ? 47 : 34), "text-anchor": "middle", "font-size": 11, fill: theme.muted }, opts.xTitle));
  if (nSeries > 1) legend(root, opts.series, m.left, height - 18, theme);
  return root;
}

/**
 * Point-and-interval chart (forest plot) on a 0–100 % axis.
 * rows: [{label, value, low, high, note}], opts: {format, ref: {x, label}}.
 */
/**
 * Stacked columns above and below zero (a lifecycle view). groups: [{label, key, values:
 * [number|null per series]}]; a series with `negative: true` is drawn below the axis (its values
 * are counts, given positive). opts: {series: [{label, key, color, negative?}], format, title}.
 */
export function stackedColumnChart(groups, opts, theme) {
  const width = opts.width ?? 720;
  const height = opts.height ?? 300;
  const m = { top: 16, right: 16, bottom: 58, left: 52 };
  const root = svgRoot(width, height, theme, opts.title);
  const up = groups.map((g) => g.values.reduce((a, v, j) => a + (opts.series[j].negative ? 0 : v ?? 0), 0));
  const down = groups.map((g) => g.values.reduce((a, v, j) => a + (opts.series[j].negative ? v ?? 0 : 0), 0));
  const maxUp = Math.max(1e-9, ...up);
  const maxDown = Math.max(0, ...down);
  const yt = ticks(maxUp, 4);
  const top = yt[yt.length - 1] || 1;
  const step = yt.length > 1 ? yt[1] - yt[0] : top;
  const bottom = maxDown > 0 ? Math.ceil(maxDown / step) * step : 0;
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const Y = (v) => m.top + ((top - v) / (top + bottom)) * ph;
  const axis = s("g", { "font-size": 11, fill: theme.muted });
  for (let v = -bottom; v <= top + step * 1e-9; v += step) {
    const y = Y(v);
    axis.append(s("line", { x1: m.left, x2: width - m.right, y1: y, y2: y, stroke: theme.grid }));
    axis.append(s("text", { x: m.left - 6, y: y + 4, "text-anchor": "end" }, (v < 0 ? "−" : "") + opts.format(Math.abs(v))));
  }
  root.append(axis);
  const gw = pw / Math.max(1, groups.length);
  const bw = Math.max(2, Math.min(34, gw * 0.72));
  const every = Math.max(1, Math.ceil(groups.length / Math.max(1, Math.floor(pw / 64))));
  groups.forEach((g, i) => {
    const x = m.left + i * gw + (gw - bw) / 2;
    let pos = 0;
    let neg = 0;
    g.values.forEach((v, j) => {
      const se = opts.series[j];
      if (v == null || v === 0) return;
      const from = se.negative ? -neg : pos;
      const to = se.negative ? -(neg + v) : pos + v;
      if (se.negative) neg += v; else pos += v;
      const y1 = Y(Math.max(from, to));
      const hgt = Math.max(1, Math.abs(Y(from) - Y(to)));
      const bar = s("rect", { x, y: y1, width: bw, height: hgt, fill: se.color, "data-group": g.key ?? g.label, "data-series": se.key ?? se.label, "data-value": String(v) });
      bar.append(s("title", {}, `${g.label} · ${se.label}: ${opts.format(v)}`));
      root.append(bar);
    });
    if (i % every === 0) {
      // Centred under its column, but clear of the y axis's labels and the chart's right edge.
      const label = truncate(g.label, 11, gw * every - 2);
      const half = textWidth(label, 11) / 2;
      const x = Math.max(m.left + half, Math.min(width - half - 2, m.left + i * gw + gw / 2));
      root.append(s("text", { x, y: m.top + ph + 16, "text-anchor": "middle", "font-size": 11, fill: theme.text }, label));
    }
  });
  root.append(s("line", { x1: m.left, x2: width - m.right, y1: Y(0), y2: Y(0), stroke: theme.muted, "stroke-opacity": 0.7 }));
  legend(root, opts.series, m.left, height - 18, theme);
  return root;
}

export function intervalChart(rows, opts, theme) {
  const width = opts.width ?? 720;
  const rowH = 26;
  const labelW = Math.min(200, Math.max(60, ...rows.map((r) => textWidth(r.label, 12) + 12)));
  const top = 8;
  const height = top + rows.length * rowH + 34;
  const root = svgRoot(width, height, theme, opts.title);
  const left = labelW + 10;
  const right = 16 + Math.max(40, ...rows.map((r) => textWidth(r.note ?? opts.format(r.value), 11)));
  const pw = width - left - right;
  const hi = Math.min(1, Math.max(0.05, ...rows.map((r) => r.high ?? r.value ?? 0)) * 1.08);
  const xt = ticks(hi, 5).filter((v) => v <= 1.0000001);
  const xmax = xt[xt.length - 1] || 1;
  const X = (v) => left + (v / xmax) * pw;
  const axisY = top + rows.length * rowH + 4;
  for (const v of xt) {
    root.append(s("line", { x1: X(v), x2: X(v), y1: top, y2: axisY, stroke: theme.grid }));
    root.append(s("text", { x: X(v), y: axisY + 16, "text-anchor": "middle", "font-size": 11, fill: theme.muted }, opts.format(v)));
  }
  if (opts.ref?.x != null) {
    root.append(s("line", { x1: X(opts.ref.x), x2: X(opts.ref.x), y1: top, y2: axisY, stroke: theme.muted, "stroke-dasharray": "4 4", "stroke-width": 1.5 }));
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    root.append(s("text", { x: labelW, y: y + 4, "text-anchor": "end" }, truncate(r.label, 12, labelW - 4)));
    if (r.low != null && r.high != null) {
      root.append(s("line", { x1: X(r.low), x2: X(r.high), y1: y, y2: y, stroke: theme.series[0], "stroke-width": 6, "stroke-opacity": 0.28, "stroke-linecap": "round" }));
    }
    if (r.value != null) root.append(s("circle", { cx: X(r.value), cy: y, r: 5, fill: theme.series[0] }));
    root.append(s("text", { x: left + pw + 8, y: y + 4, "font-size": 11, fill: theme.muted }, r.note ?? opts.format(r.value)));
  });
  return root;
}

/** A small inline interval bar for a table cell (0–100 %). */
export function intervalBar(value, low, high, theme) {
  const w = 120;
  const root = s("svg", { xmlns: NS, width: w, height: 14, viewBox: `0 0 ${w} 14`, "aria-hidden": "true" });
  root.append(s("rect", { x: 0, y: 5, width: w, height: 4, rx: 2, fill: theme.track }));
  if (low != null && high != null) root.append(s("rect", { x: low * w, y: 3, width: Math.max(2, (high - low) * w), height: 8, rx: 4, fill: theme.series[0], "fill-opacity": 0.35 }));
  if (value != null) root.append(s("circle", { cx: Math.min(w - 3, Math.max(3, value * w)), cy: 7, r: 3.5, fill: theme.series[0] }));
  return root;
}

// --------------------------------------------------------------------------------- export

/** The chart as standalone SVG text. */
export function svgText(svg) {
  const clone = svg.cloneNode(true);
  clone.setAttribute("xmlns", NS);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

/** The chart rasterised at `scale`× as a PNG Blob (through a blob: <img> and a canvas). */
export function svgToPng(svg, scale = 2) {
  const text = svgText(svg);
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
    const img = new Image();
    img.onload = () => {
      try {
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        const ctx = canvas.getContext("2d");
        ctx.scale(scale, scale);
        ctx.drawImage(img, 0, 0, width, height);
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png");
      } catch (e) {
        reject(e);
      } finally {
        URL.revokeObjectURL(url);
      }
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("SVG could not be rasterised"));
    };
    img.src = url;
  });
}
