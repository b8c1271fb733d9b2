/**
 * LISTEN/NOTIFY channels. Payloads are hints, never data: listeners read rows.
 *
 * - `openwop_events`: `<runId>:<lastSequence>` after a commit appended events to a run.
 * - `openwop_work`: `<runId>` after a commit made a run claimable (created, released, resumed).
 * - `openwop_deliveries`: empty, after a commit made webhook deliveries claimable (recorded,
 *   released, replayed, or their subscription resumed).
 *
 * The tenant event feed has no channel of its own: every append already notifies `openwop_events`.
 */
export const EVENTS_CHANNEL = "openwop_events";
export const WORK_CHANNEL = "openwop_work";
export const DELIVERIES_CHANNEL = "openwop_deliveries";

/** Splits an events payload at its last colon, because run ids may contain colons. */
export function parseEventsPayload(payload: string): { runId: string; lastSequence: number } | null {
  const colon = payload.lastIndexOf(":");
  if (colon <= 0) return null;
  const lastSequence = Number(payload.slice(colon + 1));
  if (!Number.isInteger(lastSequence)) return null;
  return { runId: payload.slice(0, colon), lastSequence };
}
