// generated — do not edit; run pnpm generate
// Source: schemas/poll-response.schema.json (packages/types/scripts/generate.mjs).

import type { RunEvent } from "./run-event.js";
import type { RunStatus } from "./run-snapshot.js";

/**
 * Body of GET /v1/runs/{runId}/events/poll. Carries both the field set of the OpenAPI document (events, isComplete) and that of the version-negotiation prose (runId, lastEventSeq, runStatus, isTerminal), so clients written against either keep working.
 */
export interface PollResponse {
  runId: string;
  /**
   * Events with a sequence greater than the request's lastSequence cursor, in sequence order.
   */
  events: RunEvent[];
  /**
   * The cursor to send as lastSequence next: the sequence of the last event in `events`, or, when `events` is empty, the cursor the caller sent. -1 means the caller has seen nothing yet (no cursor was sent and the log is empty).
   */
  lastEventSeq: number;
  runStatus: RunStatus;
  /**
   * True when runStatus is terminal (completed, failed or cancelled).
   */
  isTerminal: boolean;
  /**
   * Same as isTerminal; the OpenAPI document's name for it.
   */
  isComplete: boolean;
  [k: string]: unknown;
}
