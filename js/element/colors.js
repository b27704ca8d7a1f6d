// The fills of the heat cells (cohort heatmap, RFM grid) and a text colour for each that meets
// WCAG 2.2 AA (4.5:1). The fill is mixed here rather than in CSS so that its contrast with the
// text can be computed, whatever colours the page themes the element with.

let canvas;
/** [r, g, b] (0–255) of any CSS colour the canvas understands, over white when translucent. */
export function rgb(color) {
  canvas ??= document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  canvas.fillStyle = "#fff";
  canvas.fillRect(0, 0, 1, 1);
  canvas.fillStyle = color;
  canvas.fillRect(0, 0, 1, 1);
  const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

const linear = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
/** Relative luminance (WCAG 2.2). */
export function luminance([r, g, b]) {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
/** Contrast ratio of two colours (1–21). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const css = ([r, g, b]) => `rgb(${r}, ${g}, ${b})`;

/**
 * A ramp from `low` (intensity 0) to `share` of the way to `high` (intensity 1): x → {
 * background, color }. The text is the theme's when it reaches 4.5:1 on the fill, else white or
 * black, whichever contrasts more (one of them always reaches 4.58:1). Fills are kept in 101
 * steps (`step`, 0–100), so thousands of cells share a few dozen computations.
 */
export function heatRamp({ low, high, share, text }) {
  const [a, b, t] = [rgb(low), rgb(high), rgb(text)];
  const steps = new Map();
  return (x) => {
    const step = Math.round(Math.max(0, Math.min(1, x)) * 100);
    let out = steps.get(step);
    if (!out) {
      const p = (step / 100) * share;
      const fill = a.map((c, i) => Math.round(c + (b[i] - c) * p));
      const fg = contrast(t, fill) >= 4.5 ? t : contrast(WHITE, fill) >= contrast(BLACK, fill) ? WHITE : BLACK;
      out = { step, background: css(fill), color: css(fg) };
      steps.set(step, out);
    }
    return out;
  };
}
