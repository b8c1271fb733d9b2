import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StorageAdapter } from "@openwop/storage";
import { newEvent, newRun } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

const progress = (index: number) => newEvent("node.progress", { index });

describe("SQLite group commit", () => {
  let directory: TempDirectory;
  let adapter: StorageAdapter | undefined;

  beforeEach(() => {
    directory = createTempDirectory();
  });
  afterEach(async () => {
    await adapter?.close().catch(() => undefined);
    adapter = undefined;
    directory.remove();
  });

  it("writes of one turn share a batch, yet a failing write rejects alone and leaves no trace", async () => {
    adapter = openSqliteAdapter({ path: directory.file("group.db") });
    await adapter.createRun({ run: newRun({ runId: "run-ok", status: "running" }) });
    await adapter.createRun({ run: newRun({ runId: "run-done", status: "completed" }) });
    const outcomes = await Promise.allSettled([
      adapter.commitStep({ runId: "run-ok", events: [progress(0)] }),
      adapter.commitStep({
        runId: "run-done",
        expectStatus: ["running"],
        events: [progress(1)],
        patch: { status: "failed" },
      }),
      adapter.commitStep({ runId: "run-missing", events: [progress(2)] }),
      adapter.createRun({ run: newRun({ runId: "run-ok", status: "running" }) }),
      adapter.commitStep({ runId: "run-ok", events: [progress(3)] }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect((await adapter.readEvents("run-ok")).map((event) => event.payload)).toEqual([{ index: 0 }, { index: 3 }]);
    expect(await adapter.getRun("run-done")).toMatchObject({ status: "completed", lastSequence: -1 });
    expect(await adapter.readEvents("run-missing")).toEqual([]);
  });

  it("close commits the writes already requested before it", async () => {
    const path = directory.file("close.db");
    const writer = openSqliteAdapter({ path });
    await writer.createRun({ run: newRun({ runId: "run-1", status: "running" }) });
    const pending = writer.commitStep({ runId: "run-1", events: [progress(0), progress(1)] });
    await writer.close();
    expect((await pending).map((event) => event.sequence)).toEqual([0, 1]);

    adapter = openSqliteAdapter({ path });
    expect(await adapter.readEvents("run-1")).toHaveLength(2);
  });

  it("when the batch cannot start (lock held past busy_timeout), every write of it rejects and none is applied", async () => {
    const path = directory.file("busy.db");
    adapter = openSqliteAdapter({ path, busyTimeoutMs: 50 });
    await adapter.createRun({ run: newRun({ runId: "run-1", status: "running" }) });
    const blocker = new Database(path);
    blocker.exec("BEGIN IMMEDIATE");
    try {
      const outcomes = await Promise.allSettled([
        adapter.commitStep({ runId: "run-1", events: [progress(0)] }),
        adapter.claimRun("run-1", "holder", 1_000, 0),
        adapter.createRun({ run: newRun({ runId: "run-2", status: "running" }) }),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe("rejected");
        if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ name: "StorageUnavailableError" });
      }
    } finally {
      blocker.exec("ROLLBACK");
      blocker.close();
    }
    expect(await adapter.getRun("run-1")).toMatchObject({ lastSequence: -1, claim: null });
    expect(await adapter.getRun("run-2")).toBeNull();
  });
});
