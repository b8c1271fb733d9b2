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

/**
 * The database was migrated by a newer release than the running code: its schema has
 * versions this code has never seen, so reading or writing it could misinterpret or damage
 * data. Adapters raise it while opening, before they write anything, so the older release
 * refuses to start and the database stays exactly as the newer one left it.
 */
export class SchemaTooNewError extends Error {
  override readonly name = "SchemaTooNewError";
  constructor(
    /** What was opened, for the operator: e.g. `SQLite database /var/lib/openwop.db`. */
    readonly database: string,
    /** The newest schema version recorded in the database. */
    readonly databaseVersion: number,
    /** The newest schema version this release's migrations reach. */
    readonly knownVersion: number,
  ) {
    super(
      `${database} is at schema version ${databaseVersion}, but this release knows schema versions up to ` +
        `${knownVersion}: a newer release migrated it. Nothing was written. Run a release that knows version ` +
        `${databaseVersion}, or restore the backup taken before the upgrade (docs/production.md, "Rolling back a deployment").`,
    );
  }
}
