import { isTerminalStatus, type ClaimStore, type RunStatus } from "@openwop/storage";

export interface QueueSample {
  /** Runs waiting to execute (`pending`). */
  pending: number;
  /** Runs not terminal yet, whatever they wait on. */
  backlog: number;
}

/**
 * Queue figures from storage, cached. `countRunsByStatus` scans every live run in the
 * adapters, so a scrape or an OpenTelemetry collection reuses a sample younger than
 * `maxAgeMs` and concurrent readers share one query. A failed count keeps the last
 * sample (and is not retried before `maxAgeMs`): metrics never add load to a struggling store.
 */
export class QueueSampler {
  #sample: QueueSample = { pending: 0, backlog: 0 };
  #sampledAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<ClaimStore, "countRunsByStatus">,
    private readonly maxAgeMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async read(): Promise<QueueSample> {
    if (this.now() - this.#sampledAt >= this.maxAgeMs) await this.#refresh();
    return this.#sample;
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const counts: Partial<Record<RunStatus, number>> = await this.store.countRunsByStatus();
        let backlog = 0;
        for (const [status, count] of Object.entries(counts)) if (!isTerminalStatus(status)) backlog += count ?? 0;
        this.#sample = { pending: counts.pending ?? 0, backlog };
      } catch {
        // Keep the last sample; readiness, not metrics, reports an unreachable store.
      } finally {
        this.#sampledAt = this.now();
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }
}
