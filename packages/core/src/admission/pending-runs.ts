import { serviceUnavailable } from "../errors.js";
import type { RunStatusCounts } from "./run-status-counts.js";

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
}

/**
 * Admission control for work, not only requests: a bound on the queue of runs accepted
 * but not yet started. Over the bound `POST /v1/runs` is refused with 503 before anything
 * is written, so an accepted run is never dropped to make room.
 */
export class PendingRunAdmission {
  readonly #counts: RunStatusCounts;
  readonly #options: Required<PendingRunAdmissionOptions>;
  #counted = 0;
  #countedAt = Number.NEGATIVE_INFINITY;
  #createdSince = 0;

  constructor(counts: RunStatusCounts, options: PendingRunAdmissionOptions) {
    this.#counts = counts;
    this.#options = { refreshMs: 250, ...options };
  }

  /** The last known number of pending runs, including this process's creates since it was read. */
  get pendingEstimate(): number {
    return this.#counted + this.#createdSince;
  }

  /** The queue against its bound, as admission sees it now (what `/readyz` reports). */
  async load(): Promise<{ pendingRuns: number; maxPendingRuns: number }> {
    const { counts, countedAt } = await this.#counts.read(this.#options.refreshMs);
    if (countedAt !== this.#countedAt) {
      // A newer count from storage includes the runs this process created before it.
      this.#counted = counts.pending ?? 0;
      this.#countedAt = countedAt;
      this.#createdSince = 0;
    }
    return { pendingRuns: this.pendingEstimate, maxPendingRuns: this.#options.maxPendingRuns };
  }

  /** Resolves when one more run may be accepted; throws the 503 envelope otherwise. */
  async admit(): Promise<void> {
    await this.load();
    if (this.pendingEstimate >= this.#options.maxPendingRuns) {
      throw serviceUnavailable(
        `${this.pendingEstimate} runs are waiting to execute (bound ${this.#options.maxPendingRuns}); retry later`,
        this.#options.retryAfterSeconds,
      );
    }
  }

  /** Counts a run this process just created, until the next count from storage sees it. */
  noteCreated(): void {
    this.#createdSince += 1;
  }
}
