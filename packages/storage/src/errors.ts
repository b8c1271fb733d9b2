/**
 * Errors every adapter raises with the same meaning, so the engine and server can
 * react to them without knowing which backend produced them.
 */

/** A compare-and-set precondition did not hold (status, suspension state, uniqueness). */
export class StorageConflictError extends Error {
  override readonly name = "StorageConflictError";
  constructor(
    message: string,
    readonly reason:
      | "run-status"
      | "suspension-state"
      | "run-exists"
      | "idempotency-exists"
      | "key-exists"
      | "webhook-exists",
  ) {
    super(message);
  }
}

/** The writer no longer holds the run's claim: its write was rejected in the same transaction. */
export class ClaimLostError extends Error {
  override readonly name = "ClaimLostError";
  constructor(
    readonly runId: string,
    readonly holderId: string,
  ) {
    super(`claim on run ${runId} is no longer held by ${holderId}`);
  }
}

/** The run named by a write does not exist. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super(`run ${runId} does not exist`);
  }
}

/** The backend cannot be reached right now (connection refused, pool exhausted, server gone). */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
