import Database from "better-sqlite3";
import { StorageUnavailableError } from "@openwop/storage";

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
