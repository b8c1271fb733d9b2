import type { ClaimStore, RunStatus } from "@openwop/storage";

export type RunStatusCountMap = Partial<Record<RunStatus, number>>;

export interface CountedRuns {
  counts: RunStatusCountMap;
  /** When the query that produced `counts` started (a lower bound on their freshness). */
  countedAt: number;
}

/**
 * Runs per status, read from storage and cached. `countRunsByStatus` is a query over
 * every run, so admission control and the queue metrics share one cache per engine:
 * each caller says how old an answer it accepts, and concurrent callers that need a
 * fresh count share one query. A failed query rejects its callers and leaves the last
 * good count in place for the next one.
 */
export class RunStatusCounts {
  #last: CountedRuns = { counts: {}, countedAt: Number.NEGATIVE_INFINITY };
  #refreshing: Promise<CountedRuns> | undefined;

  constructor(
    private readonly store: Pick<ClaimStore, "countRunsByStatus">,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts no older than `maxAgeMs`; queries storage when the cached ones are older. */
  read(maxAgeMs: number): Promise<CountedRuns> {
    if (this.now() - this.#last.countedAt < maxAgeMs) return Promise.resolve(this.#last);
    this.#refreshing ??= (async () => {
      try {
        const countedAt = this.now();
        this.#last = { counts: await this.store.countRunsByStatus(), countedAt };
        return this.#last;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }
}
