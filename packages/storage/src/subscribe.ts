import type { RunStore, Unsubscribe } from "./adapter.js";
import type { RunEvent } from "./records.js";

export interface SubscribeOptions {
  /** Inclusive sequence to start from. */
  fromSequence: number;
  onEvent: (event: RunEvent) => void;
  onError?: (error: unknown) => void;
  /** Page size for backlog reads. */
  pageSize?: number;
  /** Read only while the run is this tenant's (auth.md §5.4). */
  tenantId?: string;
}

/**
 * Delivers a run's events in order from `fromSequence`: the backlog first, then live
 * appends, with no gap and no repeat.
 *
 * The order of operations is what makes it lossless: it starts watching **before** it
 * reads the backlog, so an append that lands between the two reads is still noticed,
 * and it de-duplicates by sequence, so an event read twice is delivered once.
 * Notifications only say "read again"; the events themselves always come from the log.
 */
export function subscribeToRunEvents(store: RunStore, runId: string, options: SubscribeOptions): Unsubscribe {
  const pageSize = options.pageSize ?? 500;
  let nextSequence = options.fromSequence;
  let stopped = false;
  let draining = false;
  let drainAgain = false;

  const drain = async (): Promise<void> => {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      do {
        drainAgain = false;
        for (;;) {
          if (stopped) return;
          const page = await store.readEvents(runId, {
            fromSequence: nextSequence,
            limit: pageSize,
            ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
          });
          for (const event of page) {
            if (stopped) return;
            if (event.sequence < nextSequence) continue;
            nextSequence = event.sequence + 1;
            options.onEvent(event);
          }
          if (page.length < pageSize) break;
        }
      } while (drainAgain && !stopped);
    } catch (error) {
      if (!stopped) options.onError?.(error);
    } finally {
      draining = false;
    }
  };

  const stopWatching = store.watchEvents(runId, (lastSequence) => {
    if (lastSequence >= nextSequence) void drain();
  });
  void drain();

  return () => {
    stopped = true;
    stopWatching();
  };
}
