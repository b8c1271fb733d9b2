import type { ClientConfig } from "pg";
import { Database } from "./database.js";
import { toStorageError } from "./errors.js";
import { migrate, type Migration } from "./migrations.js";
import { NotificationHub } from "./notification-hub.js";
import { PostgresStorageAdapter } from "./postgres-adapter.js";
import { lastSequences } from "./run-reads.js";

export interface PostgresAdapterOptions {
  /** `postgres://user:password@host:port/database?…` */
  connectionString: string;
  /** Pooled connections for statements and transactions. Default 10. */
  poolSize?: number;
  /**
   * Shown in `pg_stat_activity`. Default `openwop`. The listening connection is named
   * `<applicationName>:listen`, so an operator can tell it from the pool.
   */
  applicationName?: string;
  /** How long a caller waits for a pooled connection before `StorageUnavailableError`. Default 10 s. */
  connectionTimeoutMs?: number;
  /**
   * Receives failures the adapter recovers from by itself (a pooled connection or the
   * listening connection dropped). Default: ignored. Hosts usually log them.
   */
  onBackgroundError?: (error: Error) => void;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

/**
 * Opens the Postgres storage adapter: migrates the database to this release's schema
 * (under an advisory lock, so concurrent openers are safe), starts listening for other
 * processes' commits, and returns the adapter.
 *
 * @example
 * const storage = await openPostgresAdapter({ connectionString: process.env.DATABASE_URL! });
 * assertSpiCompatible(storage);
 * // … on shutdown:
 * await storage.close();
 *
 * @throws SchemaTooNewError (from `@openwop/storage`) when a newer release migrated the
 *   database; nothing is written to it then.
 */
export async function openPostgresAdapter(options: PostgresAdapterOptions): Promise<PostgresStorageAdapter> {
  return openPostgresAdapterWithMigrations(options);
}

/**
 * {@link openPostgresAdapter} with the migrations this code is to know (default: the shipped
 * ones). Not exported from the package: tests pass the list cut short to play the previous
 * release against a database the current one migrated.
 */
export async function openPostgresAdapterWithMigrations(
  options: PostgresAdapterOptions,
  migrations?: readonly Migration[],
): Promise<PostgresStorageAdapter> {
  const applicationName = options.applicationName ?? "openwop";
  const onBackgroundError = options.onBackgroundError ?? (() => {});
  const connection: ClientConfig = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    // Detects a silently dead peer (no RST) on idle connections, the listener above all.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const database = new Database(
    { ...connection, application_name: applicationName, max: options.poolSize ?? DEFAULT_POOL_SIZE },
    onBackgroundError,
  );
  const hub = new NotificationHub({
    client: { ...connection, application_name: `${applicationName}:listen` },
    lastSequences: (runIds) => lastSequences(database, runIds),
    onBackgroundError,
  });
  try {
    await database.withClient("migrating the schema", (client) => migrate(client, { migrations }));
    await hub.start();
  } catch (error) {
    await hub.close();
    await database.close();
    throw toStorageError(error, "opening the postgres adapter");
  }
  return new PostgresStorageAdapter(database, hub);
}
