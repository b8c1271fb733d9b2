// generated — do not edit; run pnpm generate
// Source: schemas/pause-run-response.schema.json (packages/types/scripts/generate.mjs).

/**
 * 202 body of POST /v1/runs/{runId}:pause (spec/v1/core.md §6.11): the run is paused from pausedAt and starts no node until it is resumed. Open, like every response body a client reads.
 */
export interface PauseRunResponse {
  runId: string;
  status: "paused";
  pausedAt: string;
  [k: string]: unknown;
}
