import { roundTo } from "./stats.js";
import type { WebhookReceipt } from "./webhook-receiver.js";

/**
 * The webhook workload's figures, computed from the receiver's receipts alone (pure, so the
 * tests can feed them receipts with chosen times). Every time is epoch ms on one clock: the
 * host stamps events and the receiver stamps arrivals with `Date.now()` on the same machine.
 */

/** Receipt time minus the event's `timestamp`, for each receipt: what a receiver waits for an event. */
export function deliveryLatencies(receipts: readonly WebhookReceipt[]): number[] {
  return receipts.map((r) => r.receivedAt - r.eventAt);
}

/** The receipts of events of `runs` only (the counted runs, not the warm-up's). */
export function receiptsOfRuns(receipts: readonly WebhookReceipt[], runs: ReadonlySet<string>): WebhookReceipt[] {
  return receipts.filter((r) => runs.has(r.runId));
}

/** Deliveries that arrived within `[from, to]`, over the seconds between: null for an empty window. */
export function deliveriesPerSecond(receipts: readonly WebhookReceipt[], from: number, to: number): number | null {
  if (!(to > from)) return null;
  let arrived = 0;
  for (const receipt of receipts) if (receipt.receivedAt >= from && receipt.receivedAt <= to) arrived += 1;
  return roundTo(arrived / ((to - from) / 1000), 1);
}

/** When the last of the receipts arrived, or null when there are none. */
export function lastArrival(receipts: readonly WebhookReceipt[]): number | null {
  let last: number | null = null;
  for (const receipt of receipts) if (last === null || receipt.receivedAt > last) last = receipt.receivedAt;
  return last;
}

/**
 * Seconds from `loadEndedAt` (the last run seen finished) until the last delivery arrived,
 * 0 when every delivery was in by then; null when not all of them arrived, or none was expected.
 */
export function drainSeconds(
  receipts: readonly WebhookReceipt[],
  expected: number,
  loadEndedAt: number,
): number | null {
  const last = lastArrival(receipts);
  if (receipts.length < expected || last === null) return null;
  return roundTo(Math.max(0, last - loadEndedAt) / 1000, 2);
}
