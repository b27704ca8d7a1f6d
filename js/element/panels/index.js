// The panel registry of <cohort-lens>: the sections in page order, one module each. A panel is
//   { id, title(t) → string, when(ctx) → boolean, render(ctx) → Node }
// and gets a context with the report, the probe of the file (its columns, as the engine reads
// them), the translator, number formatters, chart theme and callbacks to change options (re-run)
// or view state (re-render). Every number and every list a panel shows is the Report's: a panel
// formats, it does not compute engine facts. Push to CohortLens.panels (before a render) to add
// one.
import { dataPanel } from "./data.js";
import { kpiPanel } from "./kpis.js";
import { cohortPanel } from "./cohorts.js";
import { funnelPanel } from "./funnel.js";
import { periodPanel } from "./periods.js";
import { rfmPanel } from "./rfm.js";
import { breakdownPanel } from "./breakdowns.js";
import { churnPanel } from "./churn.js";
import { clvPanel, clvUnavailablePanel } from "./clv.js";
import { amountPanel } from "./amount.js";
import { filterPanel } from "./filters.js";
import { productPanel } from "./products.js";
import { winbackPanel } from "./winback.js";
import { decilePanel } from "./deciles.js";
import { warehousePanel } from "./warehouse.js";

// Key figures first (under the warehouse and amount notes), the filters and settings beside them; the data and
// column settings below, their ingest details folded.
export const PANELS = [warehousePanel, amountPanel, kpiPanel, filterPanel, dataPanel, cohortPanel, funnelPanel, periodPanel, rfmPanel, breakdownPanel, productPanel, churnPanel, winbackPanel, clvPanel, clvUnavailablePanel, decilePanel];

export { dataPanel, kpiPanel, cohortPanel, funnelPanel, periodPanel, rfmPanel, breakdownPanel, churnPanel, clvPanel, clvUnavailablePanel, amountPanel, filterPanel, productPanel, winbackPanel, decilePanel, warehousePanel };
