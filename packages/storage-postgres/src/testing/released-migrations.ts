import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { Migration } from "../migrations.js";

/** The frozen copies of the released migrations, beside this file. */
const RELEASED_DIRECTORY = new URL("./released-migrations/", import.meta.url);
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

interface FrozenEntry {
  readonly file: string;
  readonly sha256: string;
}

/**
 * The migrations as they were released, read from the frozen copies and checked against
 * the digests recorded with them, so neither a copy nor its digest can drift unnoticed:
 * a copy whose bytes differ from its digest, a listed file that is missing, a frozen file
 * that is not listed, or a gap in the numbering is an error.
 */
export function loadReleasedMigrations(): Migration[] {
  const listing = JSON.parse(readFileSync(new URL("released.json", RELEASED_DIRECTORY), "utf8")) as {
    readonly migrations: readonly FrozenEntry[];
  };
  const listed = new Set(listing.migrations.map((entry) => entry.file));
  const unlisted = readdirSync(RELEASED_DIRECTORY).filter((file) => file.endsWith(".sql") && !listed.has(file));
  if (unlisted.length > 0) throw new Error(`frozen migrations without a recorded digest: ${unlisted.join(", ")}`);
  return listing.migrations.map((entry, index) => {
    const version = Number(FILE_NAME.exec(entry.file)?.[1]);
    if (version !== index + 1) throw new Error(`frozen migrations must be 0001, 0002, … in order; found ${entry.file}`);
    const bytes = readFileSync(new URL(entry.file, RELEASED_DIRECTORY));
    const digest = createHash("sha256").update(bytes).digest("hex");
    if (digest !== entry.sha256) {
      throw new Error(
        `the frozen copy of released migration ${entry.file} has SHA-256 ${digest}, not the recorded ${entry.sha256}: released migrations are immutable`,
      );
    }
    return { version, name: entry.file.replace(/\.sql$/, ""), sql: bytes.toString("utf8") };
  });
}

/** The schema of release `version`: released migrations 0001 to `version`, as they shipped. */
export function releasedMigrationsUpTo(version: number): Migration[] {
  const released = loadReleasedMigrations();
  if (version < 1 || version > released.length) {
    throw new Error(`no release ${version}: the frozen migrations are 1 to ${released.length}`);
  }
  return released.filter((migration) => migration.version <= version);
}
