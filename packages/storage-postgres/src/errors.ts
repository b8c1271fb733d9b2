import { StorageConflictError, StorageUnavailableError } from "@openwop/storage";

/**
 * Translating `pg` and Postgres failures into the SPI's errors, so the engine can tell
 * "try again later" (unavailable) and "your precondition failed" (conflict) apart from
 * bugs, without knowing it talks to Postgres.
 */

/** The database records a migration under a name this code does not ship: a different lineage. */
export class SchemaMismatchError extends Error {
  override readonly name = "SchemaMismatchError";
  constructor(
    readonly version: number,
    readonly recordedName: string,
    readonly expectedName: string,
  ) {
    super(`migration ${version} is recorded as "${recordedName}", but this package calls it "${expectedName}"`);
  }
}

/** What Postgres and node-postgres errors carry that we decide on. */
interface DatabaseErrorFields {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

function fieldsOf(error: unknown): DatabaseErrorFields {
  return typeof error === "object" && error !== null ? (error as DatabaseErrorFields) : {};
}

/** Socket-level failures: the server is gone, refused us, or the network dropped. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

/**
 * SQLSTATEs that mean "the server cannot serve you right now", not "your request is wrong":
 * class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now:
 * `pg_terminate_backend` and restarts), 53300 (too many connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/**
 * SQLSTATEs of a server that is up but cannot take writes for now: a read-only transaction
 * (25006: a hot standby, or `default_transaction_read_only` switched on during maintenance),
 * insufficient resources (53000 and 53100 disk full, 53200 out of memory) and a server-side
 * I/O error (58030). The connection is fine, so these are not connection failures (nothing
 * to reconnect or retry on the spot), but the caller should hear "try again later", the 503,
 * not a bug.
 */
const CANNOT_WRITE_NOW_SQLSTATES = new Set(["25006", "53000", "53100", "53200", "58030"]);

/** node-postgres reports these without a code; their messages are its stable API. */
const CLIENT_CONNECTION_MESSAGES = [
  "Connection terminated",
  "connection error and is not queryable",
  "Client was closed and is not queryable",
  "timeout exceeded when trying to connect",
  "Connection timeout",
  "Query read timeout",
];

/** Whether `error` says the connection or server failed, as opposed to the statement. */
export function isConnectionFailure(error: unknown): boolean {
  const { code, message } = fieldsOf(error);
  if (typeof code === "string" && (NETWORK_CODES.has(code) || isUnavailableSqlState(code))) return true;
  if (typeof message === "string" && CLIENT_CONNECTION_MESSAGES.some((fragment) => message.includes(fragment)))
    return true;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause !== undefined && cause !== error && isConnectionFailure(cause);
}

/** Serialisation failures and deadlocks abort the transaction cleanly: it is safe to run it again. */
export function isRetryableTransactionFailure(error: unknown): boolean {
  const { code } = fieldsOf(error);
  return code === "40001" || code === "40P01";
}

const UNIQUE_VIOLATION = "23505";

/** Unique violations that are SPI conflicts, by the constraint that fired. */
const CONFLICT_BY_CONSTRAINT: Record<string, { reason: StorageConflictError["reason"]; message: string }> = {
  runs_pkey: { reason: "run-exists", message: "a run with this id already exists" },
  idempotency_records_pkey: {
    reason: "idempotency-exists",
    message: "an idempotency record with this key already exists",
  },
  suspensions_pkey: { reason: "suspension-state", message: "a suspension with this id already exists" },
  api_keys_pkey: { reason: "key-exists", message: "a key with this id already exists" },
  api_keys_key_hash_key: { reason: "key-exists", message: "a key with this hash already exists" },
  webhooks_pkey: { reason: "webhook-exists", message: "a webhook subscription with this id already exists" },
};

/**
 * Maps a failure to the SPI error it means: `StorageUnavailableError` for connection
 * trouble, `StorageConflictError` for uniqueness the SPI names, anything else unchanged.
 */
export function toStorageError(error: unknown, doing: string): unknown {
  if (error instanceof StorageUnavailableError || error instanceof StorageConflictError) return error;
  const { code, constraint, message } = fieldsOf(error);
  if (code === UNIQUE_VIOLATION && typeof constraint === "string") {
    const conflict = CONFLICT_BY_CONSTRAINT[constraint];
    if (conflict) return new StorageConflictError(conflict.message, conflict.reason);
  }
  if (isConnectionFailure(error) || (typeof code === "string" && CANNOT_WRITE_NOW_SQLSTATES.has(code))) {
    const detail = typeof message === "string" ? message : String(error);
    return new StorageUnavailableError(`postgres unavailable while ${doing}: ${detail}`, { cause: error });
  }
  return error;
}
