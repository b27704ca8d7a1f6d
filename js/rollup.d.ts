// Types of the Rollup plugin (import cohortlens from "cohortlens/rollup"), structurally a Rollup Plugin.
export interface CohortlensRollupPlugin {
  name: "cohortlens";
  transform(this: unknown, code: string, id: string): { code: string; map: null } | null;
}

/** Emits the package's .wasm modules and builds its worker.js as a chunk. */
export default function cohortlens(): CohortlensRollupPlugin;
