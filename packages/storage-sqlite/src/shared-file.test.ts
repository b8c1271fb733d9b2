import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewRunEvent, StorageAdapter } from "@openwop/storage";
import { newApiKey, newEvent, newRun } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

const event = (writer: string, index: number): NewRunEvent => newEvent("node.progress", { writer, index });

/**
 * Another thread (standing in for another process) that takes the write lock with
 * `BEGIN IMMEDIATE`, writes, and holds the lock until `holdMs` after the test says it is about
 * to write (`release()`), then commits. The hold is counted from that signal, not from when the
 * lock was taken, so however late a loaded machine runs the test's write, the write still meets
 * the lock for at least `holdMs`. Plain CommonJS on purpose: it runs outside vitest's transform,
 * with its own better-sqlite3 connection.
 */
const HOLD_WRITE_LOCK = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.exec("BEGIN IMMEDIATE");
// A real write, so a reader that started before this commit holds a stale snapshot.
db.prepare("INSERT INTO auth_failures (tenant_id, reason, key_prefix, route, count, first_seen, last_seen) VALUES ('t', 'unknown', '', 'GET /other-process', 1, '2030-01-01', '2030-01-01')").run();
parentPort.postMessage("locked");
// Until the test signals (a generous bound, so a test that never does cannot hang the run).
Atomics.wait(workerData.signal, 0, 0, 60000);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
db.exec("COMMIT");
db.close();
`;

async function holdWriteLockInAnotherThread(
  path: string,
  holdMs: number,
): Promise<{ release: () => void; finished: Promise<void> }> {
  const driverPath = createRequire(import.meta.url).resolve("better-sqlite3");
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(HOLD_WRITE_LOCK, { eval: true, workerData: { path, holdMs, driverPath, signal } });
  const finished = new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited with ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    finished.catch(reject);
  });
  const release = () => {
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  return { release, finished };
}

describe("SQLite with more than one connection on a file", () => {
  let directory: TempDirectory;
  const opened: StorageAdapter[] = [];

  const open = (options: { busyTimeoutMs?: number } = {}): StorageAdapter => {
    const adapter = openSqliteAdapter({ path: directory.file("shared.db"), ...options });
    opened.push(adapter);
    return adapter;
  };

  beforeEach(() => {
    directory = createTempDirectory();
  });
  afterEach(async () => {
    for (const adapter of opened.splice(0)) await adapter.close().catch(() => undefined);
    directory.remove();
  });

  it("two adapters appending to one run still produce gapless sequences", async () => {
    const first = open();
    const second = open();
    await first.createRun({ run: newRun({ runId: "run-shared", status: "running" }) });
    const perAdapter = 40;
    const results = await Promise.all(
      Array.from({ length: perAdapter }, (_, index) => [
        first.commitStep({ runId: "run-shared", events: [event("first", index), event("first", index)] }),
        second.commitStep({ runId: "run-shared", events: [event("second", index)] }),
      ]).flat(),
    );
    const sequences = results
      .flat()
      .map((appended) => appended.sequence)
      .sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: perAdapter * 3 }, (_, index) => index));
    const log = await second.readEvents("run-shared", { limit: 1_000 });
    expect(log.map((appended) => appended.sequence)).toEqual(sequences);
    expect((await first.getRun("run-shared"))?.lastSequence).toBe(perAdapter * 3 - 1);
  });

  it("a step waits for a lock held by another thread (busy_timeout) and then commits", async () => {
    const adapter = open({ busyTimeoutMs: 5_000 });
    await adapter.createRun({ run: newRun({ runId: "run-waits", status: "running" }) });
    const holdMs = 300;
    const { release, finished } = await holdWriteLockInAnotherThread(directory.file("shared.db"), holdMs);
    const started = performance.now();
    release();
    const appended = await adapter.commitStep({ runId: "run-waits", events: [event("main", 0)] });
    const waited = performance.now() - started;
    await finished;
    expect(appended.map((committed) => committed.sequence)).toEqual([0]);
    // The lock stays held for holdMs after release(), so a write that did not wait for it
    // (or failed over to something else) would be quicker; load can only make this longer.
    // Slack of a tenth for the timer's granularity.
    expect(waited).toBeGreaterThanOrEqual(holdMs * 0.9);
  });

  it("a lock held past busy_timeout fails the write with StorageUnavailableError, writing nothing", async () => {
    const adapter = open({ busyTimeoutMs: 50 });
    await adapter.createRun({ run: newRun({ runId: "run-busy", status: "running" }) });
    await adapter.claimRun("run-busy", "holder-a", 1_000, 0);
    const blocker = new Database(directory.file("shared.db"));
    blocker.exec("BEGIN IMMEDIATE");
    try {
      await expect(adapter.commitStep({ runId: "run-busy", events: [event("main", 0)] })).rejects.toMatchObject({
        name: "StorageUnavailableError",
      });
      await expect(adapter.claimRun("run-busy", "holder-b", 1_000, 5_000)).rejects.toMatchObject({
        name: "StorageUnavailableError",
      });
      await expect(
        adapter.createRun({ run: newRun({ runId: "run-blocked", status: "running" }) }),
      ).rejects.toMatchObject({
        name: "StorageUnavailableError",
      });
      // Readers are never blocked by a writer in WAL mode.
      expect(await adapter.getRun("run-busy")).toMatchObject({ lastSequence: -1, claim: { holderId: "holder-a" } });
    } finally {
      blocker.exec("ROLLBACK");
      blocker.close();
    }
    expect(await adapter.getRun("run-blocked")).toBeNull();
    expect((await adapter.commitStep({ runId: "run-busy", events: [event("main", 1)] }))[0]?.sequence).toBe(0);
  });

  it("a key change through one adapter changes the key-state version the other reads, and the key it finds", async () => {
    const first = open();
    const second = open();
    const key = newApiKey({ keyHash: "shared-hash" });
    const before = await second.keyStateVersion();
    await first.createApiKey(key);
    const created = await second.keyStateVersion();
    expect(created).not.toBe(before);
    expect(await second.findApiKey("shared-hash")).toEqual(key);

    await second.revokeApiKey(key.tenantId, key.keyId, "2030-01-01T00:00:01.000Z");
    expect(await first.keyStateVersion()).not.toBe(created);
    expect((await first.findApiKey("shared-hash"))?.revokedAt).toBe("2030-01-01T00:00:01.000Z");
  });
});
