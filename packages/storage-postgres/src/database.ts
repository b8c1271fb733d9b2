import pg from "pg";
import type { PoolClient, PoolConfig, QueryConfig, QueryResult, QueryResultRow } from "pg";
import { StorageUnavailableError } from "@openwop/storage";
import { isConnectionFailure, isRetryableTransactionFailure, toStorageError } from "./errors.js";

/**
 * The adapter's only way to the database: a pool, never one shared client. Every call
 * checks a client out for exactly one statement or one transaction, so concurrent callers
 * never see each other's transactions, and a broken connection is thrown away instead of
 * poisoning the next caller.
 */

/** How often work is attempted when it failed in a way that is safe to repeat. */
const MAX_ATTEMPTS = 3;

/** Messages meaning the statement was never sent: the client was already dead when we got it. */
const NOT_SENT_MESSAGES = ["not queryable"];

function neverReachedServer(error: unknown): boolean {
  return error instanceof Error && NOT_SENT_MESSAGES.some((fragment) => error.message.includes(fragment));
}

function isPoolTimeout(error: unknown): boolean {
  return error instanceof Error && error.message.includes("timeout exceeded when trying to connect");
}

/** A short randomised pause, so transactions that deadlocked do not collide again in lockstep. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}

export class Database {
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(config: PoolConfig, onBackgroundError: (error: Error) => void) {
    this.#pool = new pg.Pool(config);
    // Idle clients whose backend dies (pg_terminate_backend, restart) emit here; the pool
    // drops them. Without a listener the process would crash on the first such event.
    this.#pool.on("error", (error) => onBackgroundError(error));
    // A checked-out client emits "error" too, and the pool only listens while it is idle.
    // The query in flight already rejects with the same error; this keeps it from being fatal.
    this.#pool.on("connect", (client) => {
      client.on("error", () => {});
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  async #checkout(doing: string): Promise<PoolClient> {
    if (this.#closed) throw new StorageUnavailableError(`postgres adapter is closed (while ${doing})`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#pool.connect();
      } catch (error) {
        // Nothing was sent yet, so a fresh attempt is always safe; but a pool that stayed
        // exhausted for the whole timeout is an answer, and waiting again only hides it.
        const retry = isConnectionFailure(error) && !isPoolTimeout(error) && !this.#closed;
        if (attempt < MAX_ATTEMPTS && retry) continue;
        throw toStorageError(error, doing);
      }
    }
  }

  /**
   * One statement that is safe to run twice (a read, or a write whose repetition is a
   * no-op): retried on a fresh connection when the connection failed under it.
   */
  async idempotent<R extends QueryResultRow>(doing: string, query: QueryConfig): Promise<QueryResult<R>> {
    return this.#single(doing, query, (error) => isConnectionFailure(error));
  }

  /**
   * One statement that must not run twice (a claim): retried only when it provably never
   * reached the server. A connection lost mid-statement leaves its outcome unknown, and
   * the caller gets `StorageUnavailableError`.
   */
  async once<R extends QueryResultRow>(doing: string, query: QueryConfig): Promise<QueryResult<R>> {
    return this.#single(doing, query, neverReachedServer);
  }

  async #single<R extends QueryResultRow>(
    doing: string,
    query: QueryConfig,
    mayRetry: (error: unknown) => boolean,
  ): Promise<QueryResult<R>> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#checkout(doing);
      let broken: Error | undefined;
      try {
        return await client.query<R>(query);
      } catch (error) {
        if (isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
        if (attempt < MAX_ATTEMPTS && mayRetry(error) && !this.#closed) continue;
        throw toStorageError(error, doing);
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * Runs `work` inside BEGIN … COMMIT on one pooled client, ROLLBACK on any error.
   *
   * It is run again, on a fresh client, when it failed before COMMIT was sent with an error
   * that aborted the transaction cleanly (connection lost, deadlock): nothing of it was
   * committed then. A connection lost *during* COMMIT is reported as
   * `StorageUnavailableError`, because the commit may or may not have happened.
   */
  async transaction<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#checkout(doing);
      let broken: Error | undefined;
      let commitSent = false;
      try {
        await client.query("BEGIN");
        const result = await work(client);
        commitSent = true;
        await client.query("COMMIT");
        return result;
      } catch (error) {
        if (isConnectionFailure(error)) {
          broken = error instanceof Error ? error : new Error(String(error));
        } else if (!commitSent) {
          // A failed ROLLBACK means the connection is unusable; retire it rather than reuse it.
          await client.query("ROLLBACK").catch((rollbackError: unknown) => {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
        }
        const cleanAbort = isConnectionFailure(error) || isRetryableTransactionFailure(error);
        if (!commitSent && cleanAbort && attempt < MAX_ATTEMPTS && !this.#closed) {
          await backoff(attempt);
          continue;
        }
        throw toStorageError(error, doing);
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * Runs `work` on one pooled client **without** BEGIN … COMMIT: for work whose one write
   * is a single statement (Postgres runs a lone statement as its own transaction, so it is
   * exactly as atomic), at a third of the round trips. `work` may also read, but only the
   * write statement may change anything.
   *
   * It is run again when it provably changed nothing: the statement never reached the
   * server, or the server aborted it as a deadlock or serialisation failure. A connection
   * lost while the statement ran leaves its outcome unknown: `StorageUnavailableError`.
   */
  async autocommit<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#checkout(doing);
      let broken: Error | undefined;
      try {
        return await work(client);
      } catch (error) {
        if (isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
        const nothingHappened = neverReachedServer(error) || isRetryableTransactionFailure(error);
        if (nothingHappened && attempt < MAX_ATTEMPTS && !this.#closed) {
          await backoff(attempt);
          continue;
        }
        throw toStorageError(error, doing);
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * Lends `work` one client for statements that manage their own transaction (the
   * migrator). No retries: `work` knows best what is safe to repeat.
   */
  async withClient<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#checkout(doing);
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if (isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw toStorageError(error, doing);
    } finally {
      client.release(broken);
    }
  }

  /** Closes the pool after the statements in flight finish. Later calls reject as unavailable. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}
