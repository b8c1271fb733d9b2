import Database from "better-sqlite3";
import { describeStorageAdapterContract } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { loadMigrations, migrate } from "./migrations.js";
import { createTempDirectory } from "./testing/temp-database.js";

describeStorageAdapterContract("sqlite", async () => {
  const directory = createTempDirectory();
  return {
    adapter: openSqliteAdapter({ path: directory.file("contract.db") }),
    cleanup: async () => directory.remove(),
  };
});

/** The same kit over a database the previous release created and this one upgraded (storage-adapters.md §10). */
describeStorageAdapterContract("sqlite, upgraded from release 0002", async () => {
  const directory = createTempDirectory();
  const path = directory.file("upgraded.db");
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    migrate(
      db,
      loadMigrations().filter((migration) => migration.version <= 2),
      path,
    );
  } finally {
    db.close();
  }
  return { adapter: openSqliteAdapter({ path }), cleanup: async () => directory.remove() };
});
