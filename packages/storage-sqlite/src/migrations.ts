import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { SchemaTooNewError } from "@openwop/storage";

/** One numbered schema change, e.g. `0002_retention.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Where the SQL files live: `migrations/` beside `src/` and `dist/`, so the same relative
 * URL works when running from source (tests) and from the published build. The files
 * ship in the package (`files` in package.json) and stay reviewable as plain SQL. This
 * module must stay directly inside `src/` for the relative URL to hold.
 */
const MIGRATIONS_DIRECTORY = new URL("../migrations/", import.meta.url);

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads the migration files in version order, refusing gaps and duplicates so a lost file cannot go unnoticed. */
export function loadMigrations(directory: URL = MIGRATIONS_DIRECTORY): Migration[] {
  const path = fileURLToPath(directory);
  let files: string[];
  try {
    files = readdirSync(path);
  } catch (error) {
    throw new Error(
      `cannot read the SQLite migrations at ${path}; if you bundle @openwop/storage-sqlite, copy its migrations/ folder beside the bundle`,
      { cause: error },
    );
  }
  const migrations = files
    .map((file) => MIGRATION_FILE.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({
      version: Number(match[1]),
      name: match[2] ?? "",
      sql: readFileSync(new URL(match[0], directory), "utf8"),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `SQLite migrations must be numbered 0001, 0002, … without gaps; found ${migration.version} at position ${index + 1} in ${path}`,
      );
    }
  });
  return migrations;
}

export interface MigrationOutcome {
  /** Schema version before opening (0 for a new database). */
  from: number;
  /** Schema version now. */
  to: number;
  applied: number[];
}

/**
 * The newest version recorded in `schema_migrations`, 0 when the table does not exist yet.
 * Reads only: it must not create the table, so refusing a too-new database writes nothing.
 */
export function recordedSchemaVersion(db: Database.Database): number {
  const table = db
    .prepare<[], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .pluck()
    .get();
  if (!table) return 0;
  return db.prepare<[], number | null>("SELECT max(version) FROM schema_migrations").pluck().get() ?? 0;
}

/**
 * Brings the database up to the newest migration in one `BEGIN IMMEDIATE` transaction:
 * a crash or a failing statement leaves it at its old version, never half-upgraded, and
 * two processes opening one file at once upgrade it exactly once.
 *
 * A database a newer release migrated is refused with `SchemaTooNewError` by a plain read
 * before the write transaction starts, so an older release writes nothing to it, not even
 * the write lock's bookkeeping; the same check runs again under the lock in case a newer
 * release upgraded the file in between.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], path: string): MigrationOutcome {
  const known = migrations.at(-1)?.version ?? 0;
  const refuseNewer = (recorded: number): void => {
    if (recorded > known) throw new SchemaTooNewError(`SQLite database ${path}`, recorded, known);
  };
  refuseNewer(recordedSchemaVersion(db));
  const upgrade = db.transaction((): MigrationOutcome => {
    refuseNewer(recordedSchemaVersion(db));
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER NOT NULL PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at TEXT    NOT NULL
    ) STRICT`);
    const applied = new Set(db.prepare<[], number>("SELECT version FROM schema_migrations").pluck().all());
    const from = Math.max(0, ...applied);
    const record = db.prepare<[number, string, string]>(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
    );
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      newlyApplied.push(migration.version);
    }
    return { from, to: Math.max(from, known), applied: newlyApplied };
  });
  return upgrade.immediate();
}
