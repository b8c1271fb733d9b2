import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRun, numberedEvents, T0 } from "@openwop/storage/testing";
import { openPostgresAdapter } from "./open-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

describe("steps outside a transaction, and releases answered from memory", () => {
  let pg: TestPostgres;
  let url: string;

  beforeAll(async () => {
    pg = await startTestPostgres();
    url = await pg.freshDatabase();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("commits, fences and releases exactly as before, and a claim taken again is still released", async () => {
    const adapter = await openPostgresAdapter({ connectionString: url });
    try {
      const run = newRun();
      await adapter.createRun({ run });
      const first = await adapter.claimRun(run.runId, "holder-a", 30_000, T0);
      const fence = { holderId: "holder-a", epoch: first?.epoch ?? -1 };
      expect(await adapter.commitStep({ runId: run.runId, fence, events: numberedEvents(2) })).toHaveLength(2);
      await adapter.commitStep({ runId: run.runId, fence, events: numberedEvents(1), releaseClaim: true });
      await adapter.releaseClaims("holder-a", [run.runId]);
      expect(await adapter.getRun(run.runId)).toMatchObject({ claim: null, lastSequence: 2 });
      // The released claim's fence no longer holds, on the statement-only path too.
      await expect(adapter.commitStep({ runId: run.runId, fence, events: numberedEvents(1) })).rejects.toMatchObject({
        name: "ClaimLostError",
      });

      const again = await adapter.claimRun(run.runId, "holder-a", 30_000, T0 + 1);
      await adapter.commitStep({
        runId: run.runId,
        fence: { holderId: "holder-a", epoch: again?.epoch ?? -1 },
        releaseClaim: true,
      });
      const third = await adapter.claimRun(run.runId, "holder-a", 30_000, T0 + 2);
      expect(third?.epoch).toBe((again?.epoch ?? 0) + 1);
      await adapter.releaseClaims("holder-a", [run.runId]);
      expect((await adapter.getRun(run.runId))?.claim).toBeNull();
      expect(await adapter.listClaimableRuns(T0 + 3, 10)).toEqual([run.runId]);
    } finally {
      await adapter.close();
    }
  });
});
