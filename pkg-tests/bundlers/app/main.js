// A front-end app as a developer writes it: the API and the element, both from the package.
import { analyze } from "cohortlens";
import "cohortlens/element";

// The test drives both through this handle: analyze() on the page's thread, and the element
// (which runs its analysis in the package's worker) given the same bytes and options.
window.cohortlensApp = {
  analyze: (bytes, options) => analyze(bytes, options),
  element(bytes, options) {
    const el = document.querySelector("cohort-lens");
    return new Promise((resolve) => {
      const done = (e) => resolve({ type: e.type, detail: e.detail });
      el.addEventListener("cohort-lens-report", done, { once: true });
      el.addEventListener("cohort-lens-error", done, { once: true });
      el.options = options;
      el.data = bytes;
    });
  },
};
document.documentElement.dataset.ready = "true";
