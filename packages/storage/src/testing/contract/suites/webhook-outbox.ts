import { describe, expect, it } from "vitest";
import type { RunStep } from "../../../adapter.js";
import type { WebhookDeliveryRecord } from "../../../records.js";
import { CallRecorder } from "../call-recorder.js";
import { expectRejection } from "../expect-rejection.js";
import {
  isoAt,
  newEvent,
  newIdempotencyRecord,
  newRun,
  newSuspension,
  numberedEvents,
  range,
  seedRun,
  T0,
  uniqueId,
} from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";
import { deliveriesOf, seedSubscription } from "../webhook-seeds.js";

/** What a delivery is, leaving out what the adapter chooses (its id and feed position). */
const recorded = (delivery: WebhookDeliveryRecord) => {
  const { deliveryId: _id, feedPosition: _position, ...rest } = delivery;
  return rest;
};

const bySequence = (a: WebhookDeliveryRecord, b: WebhookDeliveryRecord): number => a.sequence - b.sequence;

export function describeWebhookOutbox(harness: AdapterHarness, settings: ContractSettings): void {
  describe("webhook outbox: deliveries recorded with the events", () => {
    it("commitStep records one pending delivery per event of a subscribed type, due at the event's timestamp", async () => {
      const subscription = await seedSubscription(harness.adapter, { events: ["node.completed", "run.completed"] });
      const runId = await seedRun(harness.adapter, { status: "running" }, [newEvent("run.created")]);
      const appended = await harness.adapter.commitStep({
        runId,
        events: [
          newEvent("node.started", {}, { nodeId: "a", timestamp: isoAt(10) }),
          newEvent("node.completed", {}, { nodeId: "a", timestamp: isoAt(11) }),
          newEvent("run.completed", {}, { timestamp: isoAt(12) }),
        ],
      });
      const deliveries = (await deliveriesOf(harness.adapter, subscription)).sort(bySequence);
      expect(deliveries.map(recorded)).toEqual(
        appended.slice(1).map((event) => ({
          webhookId: subscription.webhookId,
          tenantId: "tenant-a",
          runId,
          sequence: event.sequence,
          eventType: event.type,
          status: "pending",
          attempts: 0,
          totalAttempts: 0,
          nextAttemptAt: event.timestamp,
          createdAt: event.timestamp,
          updatedAt: event.timestamp,
          deliveredAt: null,
          lastError: null,
          lease: null,
        })),
      );
      for (const delivery of deliveries) {
        expect(typeof delivery.deliveryId).toBe("string");
        expect(delivery.deliveryId.length).toBeGreaterThan(0);
        expect(typeof delivery.feedPosition).toBe("string");
        expect(delivery.feedPosition.length).toBeGreaterThan(0);
      }
      expect(new Set(deliveries.map((delivery) => delivery.deliveryId)).size).toBe(2);
      expect(new Set(deliveries.map((delivery) => delivery.feedPosition)).size).toBe(2);
    });

    it("createRun with events records deliveries for them; without events it records none", async () => {
      const subscription = await seedSubscription(harness.adapter, { events: ["run.created", "node.progress"] });
      const run = newRun();
      const appended = await harness.adapter.createRun({
        run,
        events: [newEvent("run.created"), newEvent("run.queued"), ...numberedEvents(2)],
      });
      const deliveries = (await deliveriesOf(harness.adapter, subscription)).sort(bySequence);
      expect(deliveries.map((delivery) => [delivery.runId, delivery.sequence, delivery.eventType])).toEqual([
        [run.runId, 0, "run.created"],
        [run.runId, 2, "node.progress"],
        [run.runId, 3, "node.progress"],
      ]);
      expect(deliveries.map((delivery) => delivery.nextAttemptAt)).toEqual(
        [0, 2, 3].map((sequence) => appended[sequence]?.timestamp),
      );
      await harness.adapter.createRun({ run: newRun() });
      expect(await deliveriesOf(harness.adapter, subscription)).toHaveLength(3);
    });

    it("every matching subscription gets its own delivery of each event", async () => {
      const first = await seedSubscription(harness.adapter, { events: ["node.progress"] });
      const second = await seedSubscription(harness.adapter, { events: ["node.progress", "run.completed"] });
      const runId = await seedRun(harness.adapter, { status: "running" });
      await harness.adapter.commitStep({ runId, events: [...numberedEvents(2), newEvent("run.completed")] });
      const ofFirst = (await deliveriesOf(harness.adapter, first)).sort(bySequence);
      const ofSecond = (await deliveriesOf(harness.adapter, second)).sort(bySequence);
      expect(ofFirst.map((delivery) => delivery.sequence)).toEqual([0, 1]);
      expect(ofSecond.map((delivery) => delivery.sequence)).toEqual([0, 1, 2]);
      expect(ofFirst.every((delivery) => delivery.webhookId === first.webhookId)).toBe(true);
      expect(ofSecond.every((delivery) => delivery.webhookId === second.webhookId)).toBe(true);
      const ids = [...ofFirst, ...ofSecond].map((delivery) => delivery.deliveryId);
      expect(new Set(ids).size).toBe(5);
      // The same event has one feed position, whichever subscription it is delivered to.
      expect(ofFirst.map((delivery) => delivery.feedPosition)).toEqual(
        ofSecond.slice(0, 2).map((delivery) => delivery.feedPosition),
      );
    });

    it("a subscription with tags gets the events of runs carrying one of them; one without tags gets every run's", async () => {
      const blueOrGreen = await seedSubscription(harness.adapter, { tags: ["blue", "green"] });
      const red = await seedSubscription(harness.adapter, { tags: ["red"] });
      const untagged = await seedSubscription(harness.adapter, { tags: [] });
      const green = await seedRun(harness.adapter, { tags: ["green", "other"] }, numberedEvents(1));
      const blue = await seedRun(harness.adapter, { tags: ["blue"] }, numberedEvents(1));
      const plain = await seedRun(harness.adapter, { tags: [] }, numberedEvents(1));
      const yellow = await seedRun(harness.adapter, { tags: ["yellow"] }, numberedEvents(1));
      await harness.adapter.commitStep({ runId: green, events: numberedEvents(1) });

      const runsOf = async (subscription: typeof red) =>
        (await deliveriesOf(harness.adapter, subscription))
          .map((delivery) => `${delivery.runId}#${delivery.sequence}`)
          .sort();
      expect(await runsOf(blueOrGreen)).toEqual([`${blue}#0`, `${green}#0`, `${green}#1`].sort());
      expect(await runsOf(red)).toEqual([]);
      expect(await runsOf(untagged)).toEqual(
        [`${blue}#0`, `${green}#0`, `${green}#1`, `${plain}#0`, `${yellow}#0`].sort(),
      );
    });

    it("deliveries never cross tenants", async () => {
      const ofA = await seedSubscription(harness.adapter, { tenantId: "tenant-a" });
      const ofB = await seedSubscription(harness.adapter, { tenantId: "tenant-b" });
      const runOfA = await seedRun(harness.adapter, { tenantId: "tenant-a" }, numberedEvents(2));
      const runOfB = await seedRun(harness.adapter, { tenantId: "tenant-b" }, numberedEvents(1));
      await harness.adapter.commitStep({ runId: runOfB, events: numberedEvents(1) });

      const deliveriesOfA = await deliveriesOf(harness.adapter, ofA);
      const deliveriesOfB = await deliveriesOf(harness.adapter, ofB);
      expect(deliveriesOfA.map((delivery) => [delivery.runId, delivery.tenantId])).toEqual([
        [runOfA, "tenant-a"],
        [runOfA, "tenant-a"],
      ]);
      expect(deliveriesOfB.map((delivery) => [delivery.runId, delivery.tenantId])).toEqual([
        [runOfB, "tenant-b"],
        [runOfB, "tenant-b"],
      ]);
      // Neither tenant can list the other's deliveries through its own tenant.
      expect(await harness.adapter.listDeliveries("tenant-b", ofA.webhookId, { limit: 100 })).toEqual([]);
    });

    it("paused and failed subscriptions still get their deliveries recorded (they wait)", async () => {
      const paused = await seedSubscription(harness.adapter, { status: "paused" });
      const failed = await seedSubscription(harness.adapter, { status: "failed" });
      await seedRun(harness.adapter, {}, numberedEvents(2));
      expect(await deliveriesOf(harness.adapter, paused)).toHaveLength(2);
      expect(await deliveriesOf(harness.adapter, failed)).toHaveLength(2);
    });

    it("a subscription created after a commit gets nothing of it, and the events of later commits", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" }, numberedEvents(2));
      const late = await seedSubscription(harness.adapter);
      expect(await deliveriesOf(harness.adapter, late)).toEqual([]);
      await harness.adapter.commitStep({ runId, events: numberedEvents(1) });
      expect((await deliveriesOf(harness.adapter, late)).map((delivery) => delivery.sequence)).toEqual([2]);
    });

    it("a removed subscription gets nothing more", async () => {
      const removed = await seedSubscription(harness.adapter);
      const kept = await seedSubscription(harness.adapter);
      expect(await harness.adapter.deleteSubscription("tenant-a", removed.webhookId)).toBe(true);
      await seedRun(harness.adapter, {}, numberedEvents(2));
      expect(await deliveriesOf(harness.adapter, removed)).toEqual([]);
      expect(await deliveriesOf(harness.adapter, kept)).toHaveLength(2);
      expect((await harness.adapter.deliveryStats(T0)).waiting).toBe(2);
    });

    it("a step that fails any precondition records no delivery", async () => {
      const subscription = await seedSubscription(harness.adapter, { events: ["node.progress", "run.completed"] });
      const runId = await seedRun(harness.adapter, { status: "running" });
      const claim = await harness.adapter.claimRun(runId, "holder-a", 30_000, T0);
      const pending = newSuspension(runId);
      await harness.adapter.commitStep({ runId, createSuspensions: [pending] });
      const step = (extra: Partial<RunStep>): RunStep => ({
        runId,
        events: [...numberedEvents(2), newEvent("run.completed")],
        patch: { status: "completed" },
        ...extra,
      });
      await expectRejection(harness.adapter.commitStep(step({ runId: uniqueId("missing") })), {
        name: "RunNotFoundError",
      });
      await expectRejection(harness.adapter.commitStep(step({ tenantId: "tenant-b" })), { name: "RunNotFoundError" });
      await expectRejection(
        harness.adapter.commitStep(step({ fence: { holderId: "holder-b", epoch: claim?.epoch ?? -1 } })),
        { name: "ClaimLostError" },
      );
      await expectRejection(harness.adapter.commitStep(step({ expectStatus: ["pending"] })), {
        name: "StorageConflictError",
        reason: "run-status",
      });
      await expectRejection(
        harness.adapter.commitStep(
          step({
            settleSuspensions: [
              { suspensionId: pending.suspensionId, from: "resolved", to: "cancelled", resolvedAt: isoAt(5) },
            ],
          }),
        ),
        { name: "StorageConflictError", reason: "suspension-state" },
      );
      await expectRejection(harness.adapter.commitStep(step({ createSuspensions: [{ ...pending }] })), {
        name: "StorageConflictError",
        reason: "suspension-state",
      });
      expect(await deliveriesOf(harness.adapter, subscription)).toEqual([]);
      expect(await harness.adapter.readEvents(runId)).toEqual([]);
      expect(await harness.adapter.deliveryStats(T0)).toMatchObject({ waiting: 0, oldestWaitingAt: null });

      // The same step, its preconditions met, records all three.
      await harness.adapter.commitStep(step({ fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 } }));
      expect(await deliveriesOf(harness.adapter, subscription)).toHaveLength(3);
    });

    it("a run creation that conflicts records no delivery", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const existing = newRun();
      await harness.adapter.createRun({ run: existing });
      await expectRejection(harness.adapter.createRun({ run: { ...existing }, events: numberedEvents(2) }), {
        name: "StorageConflictError",
        reason: "run-exists",
      });
      const idempotency = newIdempotencyRecord();
      const response = { status: 201, headers: {}, body: {} };
      await harness.adapter.createRun({ run: newRun(), idempotency: { ...idempotency, response } });
      await expectRejection(
        harness.adapter.createRun({
          run: newRun(),
          events: numberedEvents(2),
          idempotency: { ...idempotency, response },
        }),
        { name: "StorageConflictError", reason: "idempotency-exists" },
      );
      expect(await deliveriesOf(harness.adapter, subscription)).toEqual([]);
    });

    it("concurrent steps on one run record one delivery per event, each with its own sequence and due time", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const runId = await seedRun(harness.adapter, { status: "running" });
      const steps = Math.max(10, Math.floor(settings.concurrentSteps / 2));
      const results = await Promise.all(
        range(0, steps).map((step) =>
          harness.adapter.commitStep({
            runId,
            events: [
              newEvent("node.progress", { step, part: 0 }, { timestamp: isoAt(100 + 2 * step) }),
              newEvent("node.progress", { step, part: 1 }, { timestamp: isoAt(101 + 2 * step) }),
            ],
          }),
        ),
      );
      const timestamps = new Map(results.flat().map((event) => [event.sequence, event.timestamp]));
      const deliveries = (await deliveriesOf(harness.adapter, subscription)).sort(bySequence);
      expect(deliveries.map((delivery) => delivery.sequence)).toEqual(range(0, 2 * steps));
      for (const delivery of deliveries) expect(delivery.nextAttemptAt).toBe(timestamps.get(delivery.sequence));
    });

    it("watchDeliveries hears of a commit that recorded deliveries, from a step or a run creation", async () => {
      const subscription = await seedSubscription(harness.adapter);
      const runId = await seedRun(harness.adapter, { status: "running" });
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchDeliveries(recorder.listener);
      try {
        await harness.adapter.commitStep({ runId, events: numberedEvents(1) });
        await recorder.waitFor(() => true, settings.notificationTimeoutMs, "watchDeliveries after a recording step");
        const heard = recorder.calls.length;
        await harness.adapter.createRun({ run: newRun(), events: numberedEvents(1) });
        await recorder.waitFor(
          () => recorder.calls.length > heard,
          settings.notificationTimeoutMs,
          "watchDeliveries after a recording run creation",
        );
        expect(await deliveriesOf(harness.adapter, subscription)).toHaveLength(2);
      } finally {
        stop();
      }
    });
  });
}
