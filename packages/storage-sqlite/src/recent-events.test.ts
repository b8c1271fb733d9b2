import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewRunEvent, StorageAdapter } from "@openwop/storage";
import { newRun, numberedEvents } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

const progress = (count: number, from = "local"): NewRunEvent[] =>
  numberedEvents(count, { payload: { from }, nodeId: "a" });

describe("reads of a watched run after this adapter's commits", () => {
  let directory: TempDirectory;
  let local: StorageAdapter;
  let other: StorageAdapter;

  beforeEach(() => {
    directory = createTempDirectory();
    local = openSqliteAdapter({ path: directory.file("recent.db") });
    other = openSqliteAdapter({ path: directory.file("recent.db") });
  });
  afterEach(async () => {
    await Promise.all([local.close(), other.close()]);
    directory.remove();
  });

  it("serve exactly what the log holds, also when another connection appends in between", async () => {
    await local.createRun({ run: newRun({ runId: "r1", status: "running" }) });
    const stop = local.watchEvents("r1", () => {});
    const committed = await local.commitStep({ runId: "r1", events: progress(3) });
    expect(await local.readEvents("r1", { fromSequence: 1 })).toEqual(committed.slice(1));
    await other.commitStep({ runId: "r1", events: progress(2, "other") });
    await local.commitStep({ runId: "r1", events: progress(1) });
    const whole = await local.readEvents("r1", { fromSequence: 0 });
    expect(whole.map((e) => e.sequence)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(whole.map((e) => (e.payload as { from: string }).from)).toEqual([
      "local",
      "local",
      "local",
      "other",
      "other",
      "local",
    ]);
    expect(await local.readEvents("r1", { fromSequence: 3 })).toEqual(whole.slice(3));
    expect(await local.readEvents("r1", { fromSequence: 5, limit: 0 })).toEqual([]);
    stop();
    stop();
    expect(await local.readEvents("r1", { fromSequence: 5 })).toEqual(whole.slice(5));
  });
});
