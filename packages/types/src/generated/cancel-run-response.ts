// generated — do not edit; run pnpm generate
// Source: schemas/cancel-run-response.schema.json (packages/types/scripts/generate.mjs).

import type { RunStatus } from "./run-snapshot.js";

/**
 * 200 body of POST /v1/runs/{runId}/cancel (spec/v1/core.md §6.7): the run and its status after the request, `cancelling` or `cancelled` for a run that was live, its terminal status for one that had already ended. Open, like every response body a client reads.
 */
export interface CancelRunResponse {
  runId: string;
  status: RunStatus;
  [k: string]: unknown;
}
