import type { ClaimStore } from "@openwop/storage";
import { serviceUnavailable } from "../errors.js";

export interface PendingRunAdmissionOptions {
  /** Runs waiting to execute (status `pending`) beyond which new runs are refused. */
  maxPendingRuns: number;
  /** The retry hint of the refusal, in seconds. */
  retryAfterSeconds: number;
  /**
   * How long a count read from storage is trusted. Counting is a query over every live
   * run, so it is not repeated per request; runs this process creates in between are
   * added to the cached figure, so one process can never overshoot by more than a
   * refresh's worth of its peers' work.
   */
  refreshMs?: number;
  now?: () => number;
}

/**
 * Admission control for work, not only requests: a bound on the queue of runs accepted
 * but not yet started. Over the bound `POST /v1/runs` is refused with 503 before anything
 * is written, so an accepted run is never dropped to make room.
 */
export class PendingRunAdmission {
  readonly #store: Pick<ClaimStore, "countRunsByStatus">;
  readonly #options: Required<Omit<PendingRunAdmissionOptions, "now">> & { now: () => number };
  #counted = 0;
  #countedAt = Number.NEGATIVE_INFINITY;
  #createdSince = 0;
  #refreshing: Promise<void> | undefined;

  constructor(store: Pick<ClaimStore, "countRunsByStatus">, options: PendingRunAdmissionOptions) {
    this.#store = store;
    this.#options = { refreshMs: 250, now: Date.now, ...options };
  }

  /** The last known number of pending runs, including this process's creates since it was read. */
  get pendingEstimate(): number {
    return this.#counted + this.#createdSince;
  }

  /** Resolves when one more run may be accepted; throws the 503 envelope otherwise. */
  async admit(): Promise<void> {
    if (this.#options.now() - this.#countedAt >= this.#options.refreshMs) await this.#refresh();
    if (this.pendingEstimate >= this.#options.maxPendingRuns) {
      throw serviceUnavailable(
        `${this.pendingEstimate} runs are waiting to execute (bound ${this.#options.maxPendingRuns}); retry later`,
        this.#options.retryAfterSeconds,
      );
    }
  }

  /** Counts a run this process just created, until the next refresh sees it in storage. */
  noteCreated(): void {
    this.#createdSince += 1;
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const startedAt = this.#options.now();
        const counts = await this.#store.countRunsByStatus();
        this.#counted = counts.pending ?? 0;
        this.#countedAt = startedAt;
        this.#createdSince = 0;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }
}
