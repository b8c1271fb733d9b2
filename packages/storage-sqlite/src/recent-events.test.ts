import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewRunEvent, NewRunRecord, StorageAdapter } from "@openwop/storage";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

const progress = (count: number, from = "local"): NewRunEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    type: "node.progress",
    payload: { index, from },
    timestamp: "2030-01-01T00:00:00.000Z",
    nodeId: "a",
  }));
const run = (runId: string): NewRunRecord => ({
  runId,
  tenantId: "tenant-a",
  workflowId: "wf",
  status: "running",
  definition: {},
  inputs: {},
  variables: {},
  configurable: {},
  tags: [],
  metadata: {},
  currentNodeId: null,
  error: null,
  engineState: {},
  cancelRequested: false,
  createdAt: "2030-01-01T00:00:00.000Z",
  startedAt: null,
  completedAt: null,
  updatedAt: "2030-01-01T00:00:00.000Z",
});

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
    await local.createRun({ run: run("r1") });
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
