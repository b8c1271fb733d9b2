// generated — do not edit; run pnpm generate
// Source: schemas/interrupt-resolution-response.schema.json (packages/types/scripts/generate.mjs).

import type { RunStatus } from "./run-snapshot.js";

/**
 * 200 body of POST /v1/runs/{runId}/interrupts/{nodeId} (spec/v1/core.md §10.3): the resolved interrupt's run and node, and the run status after the resolving transaction. Open, like every response body a client reads.
 */
export interface InterruptResolutionResponse {
  runId: string;
  nodeId: string;
  status: RunStatus;
  [k: string]: unknown;
}
