import { describe, expect, it } from "vitest";
import { newEvent, range, seedRun } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";

export function describeStepConcurrency(harness: AdapterHarness, settings: ContractSettings): void {
  const writers = settings.concurrentSteps;

  describe("commitStep under concurrency", () => {
    it(`${writers} concurrent two-event steps on one run get sequences 0..${2 * writers - 1}: no gap, no duplicate, each step contiguous`, async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const results = await Promise.all(
        range(0, writers).map((writer) =>
          harness.adapter.commitStep({
            runId,
            events: [newEvent("node.started", { writer, part: 0 }), newEvent("node.completed", { writer, part: 1 })],
          }),
        ),
      );

      results.forEach((appended, writer) => {
        expect(appended).toHaveLength(2);
        const [first, second] = appended;
        expect(second?.sequence).toBe((first?.sequence ?? Number.NaN) + 1);
        expect(first?.payload).toEqual({ writer, part: 0 });
        expect(second?.payload).toEqual({ writer, part: 1 });
      });
      const sequences = results
        .flat()
        .map((event) => event.sequence)
        .sort((a, b) => a - b);
      expect(sequences).toEqual(range(0, 2 * writers));
      expect(new Set(results.flat().map((event) => event.eventId)).size).toBe(2 * writers);

      const log = await harness.adapter.readEvents(runId, { limit: 2 * writers + 10 });
      expect(log.map((event) => event.sequence)).toEqual(range(0, 2 * writers));
      expect(log).toEqual(results.flat().sort((a, b) => a.sequence - b.sequence));
      expect((await harness.adapter.getRun(runId))?.lastSequence).toBe(2 * writers - 1);
    });

    it("keeps an independent gapless counter per run under interleaved concurrent steps", async () => {
      const runIds = [
        await seedRun(harness.adapter, { status: "running" }),
        await seedRun(harness.adapter, { status: "running" }, [newEvent("run.created")]),
        await seedRun(harness.adapter, { status: "running" }),
      ];
      const stepsPerRun = Math.max(5, Math.ceil(writers / runIds.length));
      await Promise.all(
        range(0, stepsPerRun).flatMap((step) =>
          runIds.map((runId) => harness.adapter.commitStep({ runId, events: [newEvent("node.progress", { step })] })),
        ),
      );
      const [withoutSeed, withSeed, alsoWithoutSeed] = await Promise.all(
        runIds.map((runId) => harness.adapter.readEvents(runId, { limit: stepsPerRun + 10 })),
      );
      expect(withoutSeed?.map((event) => event.sequence)).toEqual(range(0, stepsPerRun));
      expect(withSeed?.map((event) => event.sequence)).toEqual(range(0, stepsPerRun + 1));
      expect(alsoWithoutSeed?.map((event) => event.sequence)).toEqual(range(0, stepsPerRun));
      for (const event of [...(withoutSeed ?? []), ...(withSeed ?? []), ...(alsoWithoutSeed ?? [])]) {
        expect(runIds).toContain(event.runId);
      }
    });

    it("of concurrent steps racing on expectStatus, exactly one transition wins", async () => {
      const runId = await seedRun(harness.adapter, { status: "pending" });
      const targets = ["running", "cancelled", "failed", "completed", "paused"] as const;
      const outcomes = await Promise.allSettled(
        targets.map((status) =>
          harness.adapter.commitStep({
            runId,
            expectStatus: ["pending"],
            events: [newEvent("run.transition", { to: status })],
            patch: { status },
          }),
        ),
      );
      const winners = targets.filter((_, index) => outcomes[index]?.status === "fulfilled");
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect(outcome.reason).toMatchObject({ name: "StorageConflictError", reason: "run-status" });
        }
      }
      expect((await harness.adapter.getRun(runId))?.status).toBe(winners[0]);
      const log = await harness.adapter.readEvents(runId);
      expect(log.map((event) => event.payload)).toEqual([{ to: winners[0] }]);
    });
  });
}
