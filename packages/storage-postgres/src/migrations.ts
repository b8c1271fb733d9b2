import { readdirSync, readFileSync } from "node:fs";
import type { ClientBase } from "pg";
import { SchemaTooNewError } from "@openwop/storage";
import { SchemaMismatchError } from "./errors.js";

/**
 * Schema migrations: numbered SQL files in the package's `migrations/` directory,
 * applied in order, each recorded in `schema_migrations`.
 *
 * The SQL ships as files rather than strings embedded in the bundle so that operators
 * and reviewers read exactly what runs (and can apply it with psql if they must). The
 * directory is found relative to this module, which works from `src/` (tests) and from
 * the bundled `dist/index.js` alike, because both sit one level below the package root.
 */

export interface Migration {
  version: number;
  /** The file name without its extension, e.g. `0001_initial`. */
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = new URL("../migrations/", import.meta.url);
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * The advisory lock key of migrations, so two processes
 * opening the same database at once migrate one after the other. It spells "openwop" in
 * ASCII, which keeps it clear of keys other applications pick.
 */
const MIGRATION_LOCK_KEY = "31367303362211696";

let cached: readonly Migration[] | undefined;

/** The migrations this package ships, in version order. */
export function loadMigrations(): readonly Migration[] {
  cached ??= readdirSync(MIGRATIONS_DIR)
    .filter((file) => FILE_NAME.test(file))
    .sort()
    .map((file, index) => {
      const version = Number(FILE_NAME.exec(file)?.[1]);
      // A gap or a duplicate number is a packaging mistake that would silently skip SQL.
      if (version !== index + 1)
        throw new Error(`migration files must be numbered 0001, 0002, … without gaps; found ${file}`);
      return { version, name: file.replace(/\.sql$/, ""), sql: readFileSync(new URL(file, MIGRATIONS_DIR), "utf8") };
    });
  return cached;
}

export interface MigrateOptions {
  /** Stop after this version (tests build a database "from the previous release"). Default: all. */
  upTo?: number;
  /**
   * The migrations this code knows. Default: the ones this package ships. Tests pass a
   * shorter list to play an older release against a database a newer one migrated.
   */
  migrations?: readonly Migration[];
}

export interface MigrationReport {
  /** Versions applied by this call, in order. */
  applied: number[];
  /** The schema version after this call. */
  version: number;
}

/**
 * Brings the database up to date in one transaction that holds an advisory lock, so
 * concurrent openers queue instead of racing, and either every pending migration
 * applies or none does. Refuses a database that is newer than this code with
 * `SchemaTooNewError` before it changes anything (the version table is only read, and
 * created only for a database that has none), so an older release leaves it as it was.
 */
export async function migrate(client: ClientBase, options: MigrateOptions = {}): Promise<MigrationReport> {
  const migrations = options.migrations ?? loadMigrations();
  const known = migrations.at(-1)?.version ?? 0;
  const target = options.upTo ?? known;
  await client.query("BEGIN");
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    const [where] = (
      await client.query<{ database: string; present: boolean }>(
        "SELECT current_database() AS database, to_regclass('schema_migrations') IS NOT NULL AS present",
      )
    ).rows;
    const recorded = where?.present
      ? (
          await client.query<{ version: number; name: string }>(
            "SELECT version, name FROM schema_migrations ORDER BY version",
          )
        ).rows
      : [];
    const latest = recorded.at(-1)?.version ?? 0;
    if (latest > known) throw new SchemaTooNewError(`Postgres database "${where?.database ?? "?"}"`, latest, known);
    for (const row of recorded) {
      const ours = migrations.find((migration) => migration.version === row.version);
      if (ours && ours.name !== row.name) throw new SchemaMismatchError(row.version, row.name, ours.name);
    }
    if (!where?.present)
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version    integer PRIMARY KEY,
          name       text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= latest || migration.version > target) continue;
      // No parameters: the simple query protocol runs the whole multi-statement file.
      await client.query(migration.sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query("COMMIT");
    return { applied, version: Math.max(latest, applied.at(-1) ?? 0) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
