import Database from "better-sqlite3";
import { StorageUnavailableError } from "@openwop/storage";

/** The database was written by a newer release: opening it could corrupt data this code does not understand. */
export class SqliteSchemaTooNewError extends Error {
  override readonly name = "SqliteSchemaTooNewError";
  constructor(
    readonly path: string,
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `SQLite database ${path} is at schema version ${databaseVersion}, but this @openwop/storage-sqlite ` +
        `knows migrations up to ${knownVersion}; it was written by a newer release. Upgrade the package ` +
        `(or restore a backup taken before the upgrade) instead of opening it with this one.`,
    );
  }
}

/**
 * SQLite result codes that mean "cannot reach the data right now" rather than "your request
 * is wrong": lock contention that outlasted busy_timeout, I/O failure, a full disk, a file
 * that cannot be opened. Callers retry or shed load on these; other errors are bugs.
 */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|NOMEM|PROTOCOL|READONLY)/;

/** Translates driver errors into the SPI's vocabulary; everything else passes through untouched. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof Database.SqliteError && UNAVAILABLE_CODES.test(error.code)) {
    return new StorageUnavailableError(`SQLite is unavailable (${error.code}): ${error.message}`, { cause: error });
  }
  return error;
}
