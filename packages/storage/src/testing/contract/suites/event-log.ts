import { describe, expect, it } from "vitest";
import type { NewRunEvent } from "../../../records.js";
import { pause } from "../../eventually.js";
import { CallRecorder } from "../call-recorder.js";
import { AWKWARD_JSON, newEvent, numberedEvents, range, seedRun, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";

export function describeEventLog(harness: AdapterHarness, settings: ContractSettings): void {
  describe("readEvents and latestEvent", () => {
    it("reads from an inclusive fromSequence, in sequence order", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(10));
      const read = await harness.adapter.readEvents(runId, { fromSequence: 4 });
      expect(read.map((event) => event.sequence)).toEqual(range(4, 10));
      expect(read.map((event) => event.payload)).toEqual(range(4, 10).map((index) => ({ index })));
    });

    it("returns at most 100 events when no limit is given, starting at sequence 0", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(150));
      expect((await harness.adapter.readEvents(runId)).map((event) => event.sequence)).toEqual(range(0, 100));
      expect((await harness.adapter.readEvents(runId, { fromSequence: 100 })).map((event) => event.sequence)).toEqual(
        range(100, 150),
      );
    });

    it("honours limit", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(10));
      expect((await harness.adapter.readEvents(runId, { fromSequence: 2, limit: 3 })).map((e) => e.sequence)).toEqual([
        2, 3, 4,
      ]);
      expect((await harness.adapter.readEvents(runId, { limit: 1 })).map((e) => e.sequence)).toEqual([0]);
      expect((await harness.adapter.readEvents(runId, { fromSequence: 8, limit: 50 })).map((e) => e.sequence)).toEqual([
        8, 9,
      ]);
    });

    it("returns an empty list past the end of the log and for an unknown run", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(3));
      expect(await harness.adapter.readEvents(runId, { fromSequence: 3 })).toEqual([]);
      expect(await harness.adapter.readEvents(uniqueId("missing"))).toEqual([]);
    });

    it("round-trips every payload shape and the optional fields exactly", async () => {
      const events: NewRunEvent[] = [
        newEvent("a", AWKWARD_JSON),
        newEvent("b", null),
        newEvent("c", "a string payload \u0000 🚀"),
        newEvent("d", 42.5),
        newEvent("e", [1, "two", [3], { four: 4 }]),
        newEvent("f", false),
        newEvent("g", {}, { nodeId: "node-ü", schemaVersion: 2, engineVersion: "1.2.3", causationId: "evt-123" }),
      ];
      const runId = await seedRun(harness.adapter);
      const appended = await harness.adapter.commitStep({ runId, events });
      const read = await harness.adapter.readEvents(runId);
      expect(read).toEqual(appended);
      read.forEach((event, index) => {
        expect(event).toEqual({ ...events[index], eventId: event.eventId, runId, sequence: index });
      });
    });

    it("latestEvent is the highest sequence, or null for an empty log or an unknown run", async () => {
      const empty = await seedRun(harness.adapter);
      expect(await harness.adapter.latestEvent(empty)).toBeNull();
      expect(await harness.adapter.latestEvent(uniqueId("missing"))).toBeNull();

      const runId = await seedRun(harness.adapter, {}, numberedEvents(2));
      const [last] = await harness.adapter.commitStep({ runId, events: [newEvent("run.completed", { done: true })] });
      expect(await harness.adapter.latestEvent(runId)).toEqual(last);
      expect(last?.sequence).toBe(2);
    });
  });

  describe("watchEvents", () => {
    it("notifies a watcher after an append, with the highest sequence now in the log", async () => {
      const runId = await seedRun(harness.adapter, {}, [newEvent("run.created")]);
      const recorder = new CallRecorder<[number]>();
      const stop = harness.adapter.watchEvents(runId, recorder.listener);
      try {
        await harness.adapter.commitStep({ runId, events: numberedEvents(2) });
        await recorder.waitFor(([last]) => last === 2, settings.notificationTimeoutMs, "watchEvents after an append");
        expect(recorder.calls.every(([last]) => Number.isInteger(last) && last <= 2)).toBe(true);
      } finally {
        stop();
      }
    });

    it("stops notifying after unsubscribe, and unsubscribing twice is harmless", async () => {
      const runId = await seedRun(harness.adapter);
      const recorder = new CallRecorder<[number]>();
      const stop = harness.adapter.watchEvents(runId, recorder.listener);
      await harness.adapter.commitStep({ runId, events: [newEvent("node.progress")] });
      await recorder.waitFor(
        ([last]) => last === 0,
        settings.notificationTimeoutMs,
        "watchEvents before unsubscribing",
      );
      stop();
      stop();
      const seen = recorder.calls.length;
      await harness.adapter.commitStep({ runId, events: [newEvent("node.progress")] });
      await pause(Math.min(250, settings.notificationTimeoutMs));
      expect(recorder.calls.slice(seen).filter(([last]) => last >= 1)).toEqual([]);
    });

    it("a throwing watcher neither fails the append nor starves the other watchers", async () => {
      const runId = await seedRun(harness.adapter);
      const stopThrowing = harness.adapter.watchEvents(runId, () => {
        throw new Error("a careless subscriber (thrown on purpose by the contract kit)");
      });
      const recorder = new CallRecorder<[number]>();
      const stop = harness.adapter.watchEvents(runId, recorder.listener);
      try {
        const appended = await harness.adapter.commitStep({ runId, events: [newEvent("node.progress")] });
        expect(appended).toHaveLength(1);
        await recorder.waitFor(([last]) => last === 0, settings.notificationTimeoutMs, "the well-behaved watcher");
      } finally {
        stopThrowing();
        stop();
      }
    });
  });
}
