import type { RunClaim, StorageAdapter, Unsubscribe } from "@openwop/storage";
import { RunExecution, type ExecutorDependencies, type StopReason } from "./executor.js";

export interface WorkerOptions {
  /** This process's claim holder id; unique per process. */
  holderId: string;
  claimTtlMs: number;
  heartbeatIntervalMs: number;
  /** How often to look for claimable runs without being told (work notifications may be missed). */
  pollIntervalMs: number;
  /** The most runs this process executes at once. */
  maxActiveRuns: number;
  /** Receives errors the loop survives (storage outages), for logging. */
  onError?: (error: unknown, context: string) => void;
}

/** Claims in flight at once during a scan. */
const CLAIM_CONCURRENCY = 16;

/** Runs `task` over `items` with at most `limit` in flight; every outcome is reported, none thrown. */
async function settleWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const outcomes: PromiseSettledResult<void>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        await task(items[index] as T);
        outcomes[index] = { status: "fulfilled", value: undefined };
      } catch (reason) {
        outcomes[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return outcomes;
}

interface ActiveRun {
  execution: RunExecution;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Claims runnable runs and executes them, keeping their claims alive.
 *
 * Work is found two ways: a storage notification (a run was created or became
 * runnable) and a periodic scan, so a missed notification only delays work. A claim is
 * taken with one compare-and-set; losing the race just means a peer runs it. The
 * heartbeat renews every claim this process holds in one write, at an interval strictly
 * shorter than the TTL; a run whose claim was not renewed was taken over, and its
 * execution is stopped (its writes would be rejected by the fence anyway).
 */
export class RunWorker {
  readonly #active = new Map<string, ActiveRun>();
  /** Runs this process must not claim for now (a pause is deciding their fate). */
  readonly #held = new Map<string, number>();
  #stopWatching: Unsubscribe | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #scanning = false;
  #rescan = false;
  #stopped = true;
  #lastRenewal = 0;

  constructor(
    private readonly store: StorageAdapter,
    private readonly deps: ExecutorDependencies,
    private readonly options: WorkerOptions,
  ) {
    if (options.heartbeatIntervalMs >= options.claimTtlMs) {
      throw new Error(
        `heartbeat interval (${options.heartbeatIntervalMs} ms) must be shorter than the claim TTL (${options.claimTtlMs} ms)`,
      );
    }
  }

  /** True between start() and stop(): the claim loop is looking for work. */
  get running(): boolean {
    return !this.#stopped;
  }

  get activeRunCount(): number {
    return this.#active.size;
  }

  isExecuting(runId: string): boolean {
    return this.#active.has(runId);
  }

  /** Stops a run executing in this process; false when it runs elsewhere (or nowhere). */
  stopRun(runId: string, reason: StopReason): boolean {
    const active = this.#active.get(runId);
    if (!active) return false;
    active.controller.abort(reason);
    return true;
  }

  /**
   * Keeps this process from claiming `runId` until the returned release is called: a pause
   * drains an execution and then commits, and the run must not be claimed again in between.
   * Holds nest.
   */
  hold(runId: string): () => void {
    this.#held.set(runId, (this.#held.get(runId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#held.get(runId) ?? 1) - 1;
      if (left > 0) this.#held.set(runId, left);
      else this.#held.delete(runId);
    };
  }

  /**
   * Lets the execution of `runId` in this process finish the node it is on, commit, and stop
   * (a delay it sleeps on is left for later, its wake time kept). True once it has stopped;
   * false when it did not stop within `timeoutMs` (it is still told to stop).
   */
  async drain(runId: string, timeoutMs: number): Promise<boolean> {
    const active = this.#active.get(runId);
    if (!active) return true;
    active.controller.abort("pause" satisfies StopReason);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([active.done.then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#lastRenewal = this.deps.now();
    this.#stopWatching = this.store.watchWork(() => this.poke());
    this.#pollTimer = setInterval(() => this.poke(), this.options.pollIntervalMs);
    this.#heartbeatTimer = setInterval(() => void this.#heartbeat(), this.options.heartbeatIntervalMs);
    this.#pollTimer.unref();
    this.#heartbeatTimer.unref();
    this.poke();
  }

  /** Look for claimable work now. Coalesces: a poke during a scan triggers one more scan. */
  poke(): void {
    if (this.#stopped) return;
    if (this.#scanning) {
      this.#rescan = true;
      return;
    }
    void this.#scan();
  }

  /** Stops claiming, stops every execution, and releases this process's claims so peers can continue at once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopWatching?.();
    clearInterval(this.#pollTimer);
    clearInterval(this.#heartbeatTimer);
    for (const active of this.#active.values()) active.controller.abort("shutdown" satisfies StopReason);
    await Promise.allSettled([...this.#active.values()].map((a) => a.done));
    try {
      await this.store.releaseClaims(this.options.holderId);
    } catch (error) {
      this.options.onError?.(error, "releasing claims at shutdown");
    }
  }

  async #scan(): Promise<void> {
    this.#scanning = true;
    try {
      do {
        this.#rescan = false;
        const room = this.options.maxActiveRuns - this.#active.size;
        if (room <= 0) break;
        const candidates = await this.store.listClaimableRuns(this.deps.now(), Math.min(room, 256));
        // Claimed side by side, not one after another: each claim is its own compare-and-set,
        // so nothing is gained by waiting, and concurrent writes share a group commit (SQLite)
        // or a pool (Postgres). Bounded, so a burst of new runs starts in a few rounds of
        // storage latency without flooding the event loop with launches at once.
        const outcomes = await settleWithConcurrency(
          candidates.filter((runId) => !this.#active.has(runId) && !this.#held.has(runId)),
          CLAIM_CONCURRENCY,
          async (runId) => {
            if (this.#stopped || this.#held.has(runId)) return;
            const claim = await this.store.claimRun(
              runId,
              this.options.holderId,
              this.options.claimTtlMs,
              this.deps.now(),
            );
            if (!claim) return;
            // Stopped while claiming: hand the run straight back rather than start it unsupervised.
            // Held while claiming: a pause is about to commit, so hand it back as well.
            if (this.#stopped || this.#held.has(runId))
              await this.store.releaseClaims(this.options.holderId, [runId]).catch(() => undefined);
            else await this.#launch(runId, claim);
          },
        );
        if (this.#stopped) return;
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") this.options.onError?.(outcome.reason, "claiming a run");
        }
        if (candidates.length === Math.min(room, 256) && candidates.length > 0) this.#rescan = true;
      } while (this.#rescan && !this.#stopped);
    } catch (error) {
      this.options.onError?.(error, "scanning for claimable runs");
    } finally {
      this.#scanning = false;
    }
  }

  async #launch(runId: string, claim: RunClaim): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run) return;
    const controller = new AbortController();
    const execution = new RunExecution(
      this.deps,
      run,
      { holderId: claim.holderId, epoch: claim.epoch },
      controller.signal,
    );
    const done = execution
      .execute()
      .catch((error: unknown) => this.options.onError?.(error, `executing run ${runId}`))
      .finally(async () => {
        this.#active.delete(runId);
        // Terminal and suspended runs released their claim in their last step; anything
        // else (a storage error mid-run) must not stay held by a process not executing it.
        await this.store.releaseClaims(this.options.holderId, [runId]).catch(() => undefined);
        // The run may still be runnable (storage hiccup, shutdown): let the next scan decide.
        if (!this.#stopped) this.poke();
      });
    this.#active.set(runId, { execution, controller, done });
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped) return;
    const now = this.deps.now();
    try {
      const renewed = new Set(await this.store.renewClaims(this.options.holderId, this.options.claimTtlMs, now));
      this.#lastRenewal = now;
      for (const [runId, active] of this.#active) {
        if (!renewed.has(runId)) active.controller.abort("claim-lost" satisfies StopReason);
      }
      const orphaned = [...renewed].filter((runId) => !this.#active.has(runId));
      if (orphaned.length > 0) await this.store.releaseClaims(this.options.holderId, orphaned);
      await this.#noticeRemoteCancels();
    } catch (error) {
      this.options.onError?.(error, "renewing claims");
      // Past the TTL without a renewal, peers may already own these runs: stop writing.
      if (now - this.#lastRenewal >= this.options.claimTtlMs) {
        for (const active of this.#active.values()) active.controller.abort("claim-lost" satisfies StopReason);
      }
    }
  }

  /**
   * A cancel request that reached another process only sets a flag on the run. Sleeping
   * runs are the ones that would not notice it by themselves, so check those.
   */
  async #noticeRemoteCancels(): Promise<void> {
    for (const [runId, active] of this.#active) {
      if (!active.execution.sleeping) continue;
      const run = await this.store.getRun(runId);
      if (run?.cancelRequested) active.controller.abort("cancel" satisfies StopReason);
    }
  }
}
