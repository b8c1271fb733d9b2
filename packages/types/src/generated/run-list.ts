// generated — do not edit; run pnpm generate
// Source: schemas/run-list.schema.json (packages/types/scripts/generate.mjs).

import type { RunSummary } from "./run-summary.js";

/**
 * The 200 of GET /v1/runs (spec/v1/core.md §6.9): one page of the tenant's runs, newest first, and the cursor of the next page, null on the last.
 */
export interface RunList {
  /**
   * @maxItems 100
   */
  runs: RunSummary[];
  nextCursor: string | null;
  [k: string]: unknown;
}
