/**
 * Runs whose claim this adapter released inside a committed step (`releaseClaim: true`)
 * and has not claimed again since.
 *
 * The engine's worker calls `releaseClaims(holder, [runId])` after every execution, as a
 * safety net for executions that ended without releasing; for a run that finished or
 * suspended, its last step already released the claim, and the call would be a write
 * that changes nothing. The adapter answers those from here instead. It is exact, not a
 * guess: the claim columns of such a run can only have changed since through a claim,
 * and a claim through this adapter removes the run from the set; a claim through another
 * process is another holder's, which a release by this holder never touches anyway.
 */
export class ReleasedClaims {
  readonly #runIds = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  /** A committed step released the run's claim. */
  released(runId: string): void {
    this.#runIds.delete(runId);
    this.#runIds.add(runId);
    // Oldest first: the worker asks right after the step, so old entries are never asked about.
    if (this.#runIds.size > this.#capacity) {
      const oldest = this.#runIds.values().next().value;
      if (oldest !== undefined) this.#runIds.delete(oldest);
    }
  }

  /** A claim on the run was acquired through this adapter. */
  claimed(runId: string): void {
    this.#runIds.delete(runId);
  }

  /** The run ids whose release still needs the database (forgetting the others, which were asked about once). */
  stillHeld(runIds: readonly string[]): string[] {
    return runIds.filter((runId) => !this.#runIds.delete(runId));
  }

  clear(): void {
    this.#runIds.clear();
  }
}
