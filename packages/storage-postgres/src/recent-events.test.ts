import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, newRun, numberedEvents } from "@openwop/storage/testing";
import { openPostgresAdapter } from "./open-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

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
      const run = newRun({ status: "running" });
      await local.createRun({ run });
      let heard = -1;
      const stop = local.watchEvents(run.runId, (lastSequence) => (heard = lastSequence));
      const committed = await local.commitStep({ runId: run.runId, events: numberedEvents(3) });
      expect(await local.readEvents(run.runId, { fromSequence: 1 })).toEqual(committed.slice(1));
      await peer.commitStep({ runId: run.runId, events: numberedEvents(2, { payload: { peer: 1 } }) });
      await eventually(() => heard === 4, "the peer's commit");
      await local.commitStep({ runId: run.runId, events: numberedEvents(1) });
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
