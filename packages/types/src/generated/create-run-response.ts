// generated — do not edit; run pnpm generate
// Source: schemas/create-run-response.schema.json (packages/types/scripts/generate.mjs).

import type { RunStatus } from "./run-snapshot.js";

/**
 * 201 body of POST /v1/runs (and of its idempotent replays). Open, because a client must keep working when a host adds fields.
 */
export interface CreateRunResponse {
  runId: string;
  status: RunStatus;
  /**
   * SSE stream of the run. Hosts commonly return a path relative to their base URL.
   */
  eventsUrl: string;
  /**
   * Where the run snapshot is served.
   */
  statusUrl?: string;
  [k: string]: unknown;
}
