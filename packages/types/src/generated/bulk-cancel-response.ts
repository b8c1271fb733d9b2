// generated — do not edit; run pnpm generate
// Source: schemas/bulk-cancel-response.schema.json (packages/types/scripts/generate.mjs).

import type { RunStatus } from "./run-snapshot.js";

/**
 * The 200 of POST /v1/runs:bulk-cancel (spec/v1/core.md §6.10): one result per requested id, in request order. `ok` is true when the run is now cancelling or cancelled; otherwise `error` says why, with the code a single request would have got (`not_found`, `run_expired`, `run_terminal`, `validation_error`).
 */
export interface BulkCancelResponse {
  /**
   * @maxItems 100
   */
  results: {
    runId: string;
    ok: boolean;
    status?: RunStatus;
    error?: {
      error: string;
      message: string;
      [k: string]: unknown;
    };
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
}
