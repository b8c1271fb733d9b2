import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StorageUnavailableError, type StorageAdapter } from "@openwop/storage";
import { eventually, newRun, numberedEvents } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";

/**
 * Writes the kernel refuses under an open adapter. `chattr +i` is the switch used: it makes
 * writes through descriptors opened before it fail (EPERM), for root too, where `chmod` changes
 * nothing for an open file. Skipped, with the reason, where the file system or the user cannot
 * set the attribute.
 */
function immutableStopsOpenWriters(): boolean {
  const probe = mkdtempSync(join(tmpdir(), "openwop-immutable-probe-"));
  const file = join(probe, "probe");
  let fd: number | undefined;
  try {
    fd = openSync(file, "a");
    execFileSync("chattr", ["+i", file], { stdio: "ignore" });
    try {
      writeSync(fd, "x");
      return false;
    } catch {
      return true;
    }
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      execFileSync("chattr", ["-i", file], { stdio: "ignore" });
    } catch {
      // Never set: nothing to lift.
    }
    rmSync(probe, { recursive: true, force: true });
  }
}

const IMMUTABLE = immutableStopsOpenWriters();

describe("SQLite adapter when the database cannot be written", () => {
  let directory: string | undefined;
  let files: string[] = [];
  let adapter: StorageAdapter | undefined;

  const setImmutable = (on: boolean): void => {
    for (const file of files) execFileSync("chattr", [on ? "+i" : "-i", file], { stdio: "ignore" });
  };

  afterEach(async () => {
    // An immutable file cannot be removed, by root either: lift it first, whatever happened.
    for (const file of files) {
      try {
        execFileSync("chattr", ["-i", file], { stdio: "ignore" });
      } catch {
        // Not there, or never set.
      }
    }
    await adapter?.close().catch(() => undefined);
    adapter = undefined;
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
    files = [];
  });

  it.skipIf(!IMMUTABLE)(
    "refuses writes as unavailable, keeps reading, fails ping until writes work again, and loses nothing",
    async () => {
      directory = mkdtempSync(join(tmpdir(), "openwop-sqlite-write-faults-"));
      const path = join(directory, "openwop.db");
      files = [path, `${path}-wal`];
      adapter = openSqliteAdapter({ path });
      const run = newRun({ status: "running" });
      await adapter.createRun({ run });
      await adapter.commitStep({ runId: run.runId, events: numberedEvents(2) });
      await expect(adapter.ping()).resolves.toBeUndefined();

      setImmutable(true);
      await expect(adapter.commitStep({ runId: run.runId, events: numberedEvents(1) })).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
      await expect(adapter.createRun({ run: newRun() })).rejects.toBeInstanceOf(StorageUnavailableError);
      expect((await adapter.getRun(run.runId))?.lastSequence).toBe(1);
      // The read in ping still works; its probe write, made because writes failed, does not.
      await expect(adapter.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(adapter.ping()).rejects.toBeInstanceOf(StorageUnavailableError);

      setImmutable(false);
      // Nothing else writes in between: ping's own probe finds the file writable again, and
      // ping answers once the last failed write is a few seconds old.
      const current = adapter;
      await eventually(
        () =>
          current.ping().then(
            () => true,
            (error: unknown) => {
              expect(error).toBeInstanceOf(StorageUnavailableError);
              return false;
            },
          ),
        "ping to answer again",
        15_000,
      );
      await expect(adapter.ping()).resolves.toBeUndefined();
      const appended = await adapter.commitStep({ runId: run.runId, events: numberedEvents(1) });
      expect(appended.map((event) => event.sequence)).toEqual([2]);
      expect((await adapter.readEvents(run.runId)).map((event) => event.sequence)).toEqual([0, 1, 2]);
    },
  );

  it("answers ping with a read alone while writes succeed", async () => {
    directory = mkdtempSync(join(tmpdir(), "openwop-sqlite-write-faults-"));
    adapter = openSqliteAdapter({ path: join(directory, "openwop.db") });
    await expect(adapter.ping()).resolves.toBeUndefined();
  });
});
