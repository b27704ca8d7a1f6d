// Importing "cohortlens/element" registers <cohort-lens>.
import type { Options, Report, CohortlensError } from "./index.js";

export interface CohortLensProgress {
  phase: "read" | "analyze";
  loaded: number;
  total: number;
}

export class CohortLensElement extends HTMLElement {
  /** The file to analyse (setting it starts a run; a new value cancels the running one). */
  file: File | Blob | null;
  /** The same, for in-memory data. */
  data: File | Blob | ArrayBuffer | Uint8Array | string | null;
  /** Analysis options (setting them re-runs on the current data). */
  options: Options;
  /** The last Report, or null. */
  readonly report: Report | null;
}

declare global {
  interface HTMLElementTagNameMap {
    "cohort-lens": CohortLensElement;
  }
  interface HTMLElementEventMap {
    "cohort-lens-progress": CustomEvent<CohortLensProgress>;
    "cohort-lens-report": CustomEvent<Report>;
    "cohort-lens-error": CustomEvent<Pick<CohortlensError, "code" | "message" | "line" | "column">>;
  }
}
