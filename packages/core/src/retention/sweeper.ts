import { StorageUnavailableError, type StorageAdapter } from "@openwop/storage";

/** The two storage operations a sweep needs; any adapter provides them. */
export type RetentionSweepStore = Pick<StorageAdapter, "expireRuns" | "purgeIdempotencyRecords">;

export interface RetentionSweeperOptions {
  store: RetentionSweepStore;
  /** Terminal runs whose `completedAt` is older than this are removed (production profile P4). */
  retentionSeconds: number;
  /** Idempotency records created longer ago than this are purged (P3 asks for at least a day). */
  idempotencyRetentionSeconds: number;
  /** Pause between the end of one sweep and the start of the next. */
  intervalMs: number;
  /** Runs removed per storage call; small enough that no single write holds storage for long. */
  batchSize: number;
  now?: () => number;
  /** Receives every failure the sweeper survives; the sweeper itself never throws. */
  onError?: (error: unknown, context: string) => void;
}

/** What one sweep did. */
export interface RetentionSweepResult {
  /** Terminal runs removed, each leaving a tombstone. */
  runsExpired: number;
  /** Idempotency records deleted. */
  idempotencyRecordsPurged: number;
  /** False when the sweep ended early: storage failed, or the sweeper is stopping. */
  complete: boolean;
}

/** One macrotask turn, so requests and run steps queued behind a batch get served before the next. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Applies the retention window on a timer: removes terminal runs that finished longer ago than
 * the window, in bounded batches, and purges old idempotency records.
 *
 * Which runs may go is decided by the adapter (`expireRuns` only ever touches terminal runs and
 * writes the tombstone in the same transaction as the delete), so a sweep can never remove a live
 * run nor leave a run without the record that answers `410` for it. Sweeps never overlap within
 * one sweeper; several processes sweeping one database is safe because each batch is atomic.
 */
export class RetentionSweeper {
  readonly #options: RetentionSweeperOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopping = false;
  /** The sweep in progress, so stop() and a concurrent sweepOnce() can wait for it. */
  #current: Promise<RetentionSweepResult> | undefined;

  constructor(options: RetentionSweeperOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError(`retention batch size must be a positive integer, got ${options.batchSize}`);
    }
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts sweeping: the first sweep runs one interval from now, then one interval after each sweep ends. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#schedule();
  }

  /**
   * Stops the timer and waits for a sweep in progress, which ends after its current batch
   * rather than working through everything that is left: shutdown should not wait on housekeeping.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#current) await this.#current;
    this.#stopping = false;
  }

  /**
   * Runs one full sweep now and resolves to what it did. Never rejects: failures go to
   * `onError`. A sweep already in progress is waited for first, so sweeps never overlap.
   */
  async sweepOnce(): Promise<RetentionSweepResult> {
    while (this.#current) await this.#current;
    return this.#begin();
  }

  /** Starts a sweep and records it as the one in progress; callers made sure none is. */
  #begin(): Promise<RetentionSweepResult> {
    const sweep = this.#sweep().finally(() => {
      this.#current = undefined;
    });
    this.#current = sweep;
    return sweep;
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#options.intervalMs);
    // Retention is housekeeping: it must never be the reason a process stays alive.
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    while (this.#current) await this.#current;
    // While an explicit sweep held this tick back, stop() (or stop() then start(), which
    // scheduled its own tick) may have happened.
    if (!this.#running || this.#timer) return;
    await this.#begin();
    this.#schedule();
  }

  async #sweep(): Promise<RetentionSweepResult> {
    const result: RetentionSweepResult = { runsExpired: 0, idempotencyRecordsPurged: 0, complete: false };
    const { store, batchSize } = this.#options;
    try {
      const startedAt = this.#now();
      // One cutoff for the whole sweep: runs finishing while it proceeds are newer than it, so
      // the loop below always ends, however busy the host is.
      const runCutoff = new Date(startedAt - this.#options.retentionSeconds * 1000).toISOString();
      const keyCutoff = new Date(startedAt - this.#options.idempotencyRetentionSeconds * 1000).toISOString();
      for (;;) {
        if (this.#stopping) return result;
        const expired = await store.expireRuns(runCutoff, batchSize, new Date(this.#now()).toISOString());
        result.runsExpired += expired.length;
        // A short batch means nothing is left (or the rest is locked by a writer right now and
        // waits for the next sweep).
        if (expired.length < batchSize) break;
        await yieldToEventLoop();
      }
      if (this.#stopping) return result;
      result.idempotencyRecordsPurged = await store.purgeIdempotencyRecords(keyCutoff);
      result.complete = true;
    } catch (error) {
      // An outage is expected to pass: the next tick simply tries again. Either way the
      // failure is reported, never thrown, so a timer callback cannot crash the process.
      const context =
        error instanceof StorageUnavailableError
          ? "retention sweep: storage unavailable, retrying at the next interval"
          : "retention sweep failed; retrying at the next interval";
      try {
        this.#options.onError?.(error, context);
      } catch {
        // A failing error sink must not turn into an unhandled rejection on the timer.
      }
    }
    return result;
  }
}
