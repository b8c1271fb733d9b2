import type { RunEvent } from "@openwop/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresAdapter } from "./open-adapter.js";
import { RecentEvents } from "./recent-events.js";
import { eventually } from "./test-support/eventually.js";
import { newRunRecord, progressEvents } from "./test-support/records.js";
import { startTestPostgres, type TestPostgres } from "./test-support/test-postgres.js";

const event = (sequence: number): RunEvent => ({ eventId: `e${sequence}`, runId: "r", type: "node.progress", payload: { sequence }, timestamp: "2030-01-01T00:00:00.000Z", sequence });

describe("RecentEvents", () => {
  it("answers reads that start inside a contiguous stretch, with fresh objects, and nothing else", () => {
    const recent = new RecentEvents(4);
    recent.record("r", [event(3), event(4)]);
    recent.record("r", [event(5)]);
    expect(recent.read("r", 4, 10)?.map((e) => e.sequence)).toEqual([4, 5]);
    expect(recent.read("r", 3, 2)?.map((e) => e.sequence)).toEqual([3, 4]);
    expect(recent.read("r", 2, 10)).toBeUndefined();
    expect(recent.read("r", 6, 10)).toBeUndefined();
    expect(recent.read("other", 0, 10)).toBeUndefined();
    const first = recent.read("r", 5, 1);
    (first?.[0]?.payload as { sequence: number }).sequence = 99;
    expect(recent.read("r", 5, 1)?.[0]?.payload).toEqual({ sequence: 5 });
    // A stretch that does not continue the entry (a peer appended in between) replaces it.
    recent.record("r", [event(8)]);
    expect(recent.read("r", 5, 10)).toBeUndefined();
    expect(recent.read("r", 8, 10)?.map((e) => e.sequence)).toEqual([8]);
    // Bounded per run: the oldest events go first.
    recent.record("r", [event(9), event(10), event(11), event(12)]);
    expect(recent.read("r", 8, 10)).toBeUndefined();
    expect(recent.read("r", 9, 10)?.map((e) => e.sequence)).toEqual([9, 10, 11, 12]);
    recent.forget("r");
    expect(recent.read("r", 9, 10)).toBeUndefined();
  });
});

describe("reads of a watched run after this process's commits", () => {
  let pg: TestPostgres;
  let url: string;

  beforeAll(async () => {
    pg = await startTestPostgres();
    url = await pg.freshDatabase();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("serve exactly what the log holds, also when a peer appends in between", async () => {
    const local = await openPostgresAdapter({ connectionString: url, applicationName: "local" });
    const peer = await openPostgresAdapter({ connectionString: url, applicationName: "peer" });
    try {
      const run = newRunRecord({ status: "running" });
      await local.createRun({ run });
      let heard = -1;
      const stop = local.watchEvents(run.runId, (lastSequence) => (heard = lastSequence));
      const committed = await local.commitStep({ runId: run.runId, events: progressEvents(3) });
      expect(await local.readEvents(run.runId, { fromSequence: 1 })).toEqual(committed.slice(1));
      await peer.commitStep({ runId: run.runId, events: progressEvents(2, { peer: 1 }) });
      await eventually(() => heard === 4, "the peer's commit");
      await local.commitStep({ runId: run.runId, events: progressEvents(1) });
      const whole = await local.readEvents(run.runId, { fromSequence: 0 });
      expect(whole.map((e) => e.sequence)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await local.readEvents(run.runId, { fromSequence: 3 })).toEqual(whole.slice(3));
      expect(await local.readEvents(run.runId, { fromSequence: 5, limit: 0 })).toEqual([]);
      stop();
      expect(await local.readEvents(run.runId, { fromSequence: 5 })).toEqual(whole.slice(5));
    } finally {
      await Promise.all([local.close(), peer.close()]);
    }
  });
});
