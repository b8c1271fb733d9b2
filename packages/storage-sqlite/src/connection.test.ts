import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openConnection } from "./connection.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

describe("openConnection", () => {
  let directory: TempDirectory;

  beforeEach(() => {
    directory = createTempDirectory();
  });
  afterEach(() => directory.remove());

  it("sets the pragmas durability and concurrency depend on, creating missing directories", () => {
    const db = openConnection(directory.file("nested/deeper/pragmas.db"), 1_234);
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(db.pragma("busy_timeout", { simple: true })).toBe(1_234);
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(10_000);
    } finally {
      db.close();
    }
  });

  it("refuses an in-memory database: the adapter promises durability", () => {
    expect(() => openConnection(":memory:", 100)).toThrow(/needs a database file/);
    expect(() => openConnection("", 100)).toThrow(/needs a database file/);
  });
});
