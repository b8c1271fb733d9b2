import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import pg from "pg";

/**
 * One throwaway server per test file, and a fresh, empty database per test group, so
 * tests never see each other's rows, claims or notifications.
 */
export interface TestPostgres {
  server: PostgresServer;
  /** Creates an empty database and resolves to its URL. */
  freshDatabase(): Promise<string>;
  /**
   * Empties every table but `schema_migrations`: as good as a fresh migrated database
   * for a test that runs alone, at a fraction of CREATE DATABASE's cost.
   */
  emptyEveryTable(url: string): Promise<void>;
  /** Runs one statement as the superuser against `url` (for setup and sabotage). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

let databaseCounter = 0;

export async function startTestPostgres(): Promise<TestPostgres> {
  const server = await startPostgres();
  const sql = async <R extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    server,
    sql,
    async freshDatabase() {
      // CREATE DATABASE over a connection: cheaper than spawning createdb for every test.
      const name = `t${process.pid}_${++databaseCounter}`;
      await sql(server.url, `CREATE DATABASE ${name}`);
      return server.url.replace(/\/[^/]*$/, `/${name}`);
    },
    async emptyEveryTable(url) {
      const tables = await sql<{ tablename: string }>(
        url,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
      );
      await sql(url, `TRUNCATE ${tables.map((table) => `"${table.tablename}"`).join(", ")} RESTART IDENTITY`);
    },
    stop: () => server.stop(),
  };
}
