// The demo page: a consumer of the package like any other (it imports the element from the
// built package it is served beside, pkg/), and a shell around <cohort-lens> — language switch,
// a drop zone covering the window, a file picker, the bundled sample (loaded by default;
// `?sample=0` starts empty) and a service worker that keeps it all for offline use.
import "./pkg/element.js";

const STRINGS = {
  en: {
    title: "cohortlens — repurchase & retention analytics, in your browser",
    tagline: "Repurchase & retention analytics for your orders export",
    choose: "Choose a file",
    sample: "Try the sample",
    privacy: "Your file is analysed inside this browser tab by WebAssembly. Nothing is uploaded — the page cannot send data anywhere.",
    hint: "Drop an orders export (CSV, TSV, TXT or XLSX) anywhere on this page. Shopify, WooCommerce, Taobao/Tmall, Youzan and Excel exports work; GBK files too.",
    footer: "cohortlens · works offline · your data stays on this device",
    offline: "Ready offline: you can disconnect and keep working.",
    embed: "Embedding example",
    drop: "Drop the file to analyse it",
    dropNote: "It stays in this browser tab.",
  },
  zh: {
    title: "cohortlens — 复购率与留存分析，在浏览器内完成",
    tagline: "订单导出文件的复购率与留存分析",
    choose: "选择文件",
    sample: "试试示例数据",
    privacy: "文件由 WebAssembly 在本浏览器页面内分析，不会上传——页面无法把数据发送到任何地方。",
    hint: "把订单导出文件（CSV、TSV、TXT 或 XLSX）拖到页面任意位置。支持 Shopify、WooCommerce、淘宝/天猫、有赞和 Excel 导出，也支持 GBK 编码。",
    footer: "cohortlens · 可离线使用 · 数据只留在本设备",
    offline: "已可离线使用：断开网络也能继续分析。",
    embed: "嵌入示例",
    drop: "松开即可分析",
    dropNote: "文件只在本浏览器页面内处理。",
  },
};

const lens = document.getElementById("lens");
const drop = document.getElementById("drop");
const picker = document.getElementById("file");

function initialLang() {
  let saved = null;
  try { saved = localStorage.getItem("cohortlens.lang"); } catch { /* storage may be off */ }
  const param = new URLSearchParams(location.search).get("lang");
  const lang = param || saved || navigator.language || "en";
  return lang.toLowerCase().startsWith("zh") ? "zh" : "en";
}

function setLang(lang, save) {
  const s = STRINGS[lang];
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = s.title;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = s[el.dataset.i18n];
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  lens.setAttribute("lang", lang);
  if (save) {
    try { localStorage.setItem("cohortlens.lang", lang); } catch { /* ignore */ }
  }
}

for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => setLang(b.dataset.lang, true));
setLang(initialLang(), false);

// The view (filters and settings, never data) lives in the URL hash, so a reload or a shared
// link restores it: #view=<JSON>. The element reports each change of it on the page.
function readHash() {
  const m = /^#view=(.*)$/.exec(location.hash);
  if (!m) return null;
  try {
    const v = JSON.parse(decodeURIComponent(m[1]));
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
let hashWritten = location.hash;
const initialView = readHash();
if (initialView) lens.view = initialView;
lens.addEventListener("cohort-lens-view", (e) => {
  const v = e.detail ?? {};
  const hash = Object.keys(v).length ? `#view=${encodeURIComponent(JSON.stringify(v))}` : "";
  if (hash === hashWritten) return;
  hashWritten = hash;
  history.replaceState(null, "", hash || location.pathname + location.search);
});
window.addEventListener("hashchange", () => {
  if (location.hash === hashWritten) return;
  hashWritten = location.hash;
  lens.view = readHash() ?? {};
});

// File picker: a button opens the hidden input (which is no tab stop of its own).
picker.addEventListener("change", () => {
  if (picker.files[0]) lens.file = picker.files[0];
  picker.value = "";
});
document.getElementById("pick").addEventListener("click", () => picker.click());

// The sample: a same-origin static file.
async function loadSample() {
  const res = await fetch("sample/orders.csv");
  const blob = await res.blob();
  lens.file = new File([blob], "sample-orders.csv", { type: "text/csv" });
}
document.getElementById("sample").addEventListener("click", loadSample);

// Drop anywhere: an overlay while a file is dragged over the window.
let depth = 0;
const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
window.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  depth++;
  drop.hidden = false;
});
window.addEventListener("dragleave", () => {
  depth = Math.max(0, depth - 1);
  if (!depth) drop.hidden = true;
});
window.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = "copy";
});
window.addEventListener("drop", (e) => {
  e.preventDefault();
  depth = 0;
  drop.hidden = true;
  const file = e.dataTransfer?.files?.[0];
  if (file) lens.file = file;
});

if (new URLSearchParams(location.search).get("sample") !== "0") loadSample();

// Offline: once the service worker has cached the page, the package and the wasm (sw.js), the
// page says that the network is no longer needed.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then(() => { document.getElementById("offline").hidden = false; })
    .catch((e) => console.warn("cohortlens: no offline use:", e.message));
}
