import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";

/** How many WAL pages trigger an automatic checkpoint (SQLite's default is 1000). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Opens the one connection an adapter uses and sets the pragmas durability depends on.
 *
 * - `journal_mode = WAL`: readers never block the writer and the writer never blocks
 *   readers, and a commit is one append to the WAL instead of rewriting pages.
 * - `synchronous = NORMAL`: in WAL mode a commit is durable across a **process** crash
 *   (the WAL is in the OS page cache and replayed on open) and the database can never be
 *   corrupted; only a power loss or kernel panic can roll back the last few commits. That
 *   is exactly what the adapter promises (`durable: true` means "survives a host
 *   restart"), and it saves an fsync per commit, which is most of a step's cost.
 * - `wal_autocheckpoint = 10000` (pages, about 40 MB of WAL): a checkpoint copies the WAL
 *   back into the database file and fsyncs it, on the committing thread. Every step of a
 *   run rewrites the same few index pages, so checkpointing ten times less often writes
 *   most of those pages once instead of ten times (measured: about 20% more runs/s through
 *   the engine alone, 4–5% through the HTTP host, with no worse POST p99).
 * - `busy_timeout`: another connection holding the write lock (a second adapter, a
 *   backup, the sqlite3 shell) makes writers wait instead of failing at once with
 *   SQLITE_BUSY; only waiting longer than this becomes a `StorageUnavailableError`.
 * - `foreign_keys = ON`: deleting a run cascades to its events and suspensions.
 */
export function openConnection(path: string, busyTimeoutMs: number): Database.Database {
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  }
  if (path.trim() === "" || path.trim() === ":memory:") {
    throw new Error(
      "the SQLite adapter is durable and needs a database file; use @openwop/storage-memory for an in-memory store",
    );
  }
  const absolutePath = path.startsWith("file:") ? path : resolve(path);
  if (!path.startsWith("file:")) mkdirSync(dirname(absolutePath), { recursive: true });
  const db = new Database(absolutePath, { timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const journalMode = db.pragma("journal_mode = WAL", { simple: true });
    if (journalMode !== "wal") {
      throw new Error(
        `SQLite database ${absolutePath} cannot use WAL (journal_mode is ${String(journalMode)}); use a file on a local disk`,
      );
    }
    db.pragma("synchronous = NORMAL");
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma("foreign_keys = ON");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
