import { describe, expect, it } from "vitest";
import type { FeedEntry, RunEvent } from "../../../records.js";
import { CallRecorder } from "../call-recorder.js";
import { pause } from "../../eventually.js";
import { isoAt, newEvent, newRun, numberedEvents, range, seedRun } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";
import { deliveriesOf, seedSubscription } from "../webhook-seeds.js";

const DAY = 86_400_000;

/** Reads the tenant's whole feed after `after`, `pageSize` entries at a time. */
async function readAll(
  harness: AdapterHarness,
  tenantId: string,
  options: { after?: string; types?: readonly string[]; pageSize?: number } = {},
): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  let after = options.after;
  for (;;) {
    const page = await harness.adapter.readFeed(tenantId, {
      limit: options.pageSize ?? 1_000,
      ...(after === undefined ? {} : { after }),
      ...(options.types === undefined ? {} : { types: options.types }),
    });
    if (page.length === 0) return entries;
    entries.push(...page);
    after = page[page.length - 1]?.position;
  }
}

const keyOf = (event: RunEvent): string => `${event.runId}#${event.sequence}`;

export function describeEventFeed(harness: AdapterHarness, settings: ContractSettings): void {
  describe("the tenant event feed", () => {
    it("serves the tenant's events of every run in the order they were committed, each as the log has it", async () => {
      const first = newRun({ status: "running" });
      const second = newRun({ status: "running" });
      const created = await harness.adapter.createRun({ run: first, events: numberedEvents(2) });
      const createdToo = await harness.adapter.createRun({ run: second, events: [newEvent("run.created")] });
      const stepOfFirst = await harness.adapter.commitStep({ runId: first.runId, events: [newEvent("node.started")] });
      const stepOfSecond = await harness.adapter.commitStep({ runId: second.runId, events: numberedEvents(2) });
      const lastOfFirst = await harness.adapter.commitStep({ runId: first.runId, events: [newEvent("run.completed")] });
      const committed = [...created, ...createdToo, ...stepOfFirst, ...stepOfSecond, ...lastOfFirst];

      const feed = await readAll(harness, "tenant-a");
      expect(feed.map((entry) => entry.event)).toEqual(committed);
      // Exactly what the runs' logs hold.
      const logs = [
        ...(await harness.adapter.readEvents(first.runId)),
        ...(await harness.adapter.readEvents(second.runId)),
      ];
      expect([...feed.map((entry) => entry.event)].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))).toEqual(
        logs.sort((a, b) => keyOf(a).localeCompare(keyOf(b))),
      );
      for (const entry of feed) {
        expect(typeof entry.position).toBe("string");
        expect(entry.position.length).toBeGreaterThan(0);
      }
      expect(new Set(feed.map((entry) => entry.position)).size).toBe(feed.length);
    });

    it("continues strictly after a position, a page of at most `limit` at a time; after the last, nothing", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" }, numberedEvents(3));
      await harness.adapter.commitStep({ runId, events: numberedEvents(4, { payload: { step: 1 } }) });
      const whole = await readAll(harness, "tenant-a");
      expect(whole).toHaveLength(7);

      const firstPage = await harness.adapter.readFeed("tenant-a", { limit: 3 });
      expect(firstPage).toEqual(whole.slice(0, 3));
      const secondPage = await harness.adapter.readFeed("tenant-a", { limit: 3, after: firstPage[2]?.position });
      expect(secondPage).toEqual(whole.slice(3, 6));
      expect(await readAll(harness, "tenant-a", { pageSize: 2 })).toEqual(whole);
      expect(await harness.adapter.readFeed("tenant-a", { after: whole[6]?.position, limit: 100 })).toEqual([]);
      expect(await harness.adapter.readFeed("tenant-a", { limit: 0 })).toEqual([]);
      // A position keeps its place: events committed later follow it.
      const later = await harness.adapter.commitStep({ runId, events: numberedEvents(1, { payload: { step: 2 } }) });
      expect(
        (await harness.adapter.readFeed("tenant-a", { after: whole[6]?.position, limit: 100 })).map(
          (entry) => entry.event,
        ),
      ).toEqual(later);
    });

    it("types filters by event type, after a position too", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" }, [newEvent("run.created")]);
      await harness.adapter.commitStep({
        runId,
        events: [
          newEvent("node.started"),
          newEvent("node.completed"),
          newEvent("node.started"),
          newEvent("run.completed"),
        ],
      });
      const whole = await readAll(harness, "tenant-a");
      const started = await readAll(harness, "tenant-a", { types: ["node.started"] });
      expect(started).toEqual(whole.filter((entry) => entry.event.type === "node.started"));
      expect(started).toHaveLength(2);
      const ends = await readAll(harness, "tenant-a", { types: ["run.completed", "node.completed"] });
      expect(ends.map((entry) => entry.event.type)).toEqual(["node.completed", "run.completed"]);
      // After the first node.started, by the position the unfiltered feed gave it.
      expect(await readAll(harness, "tenant-a", { types: ["node.started"], after: whole[1]?.position })).toEqual([
        whole[3],
      ]);
      expect(await readAll(harness, "tenant-a", { types: ["no.such.type"] })).toEqual([]);
    });

    it("never serves another tenant's events", async () => {
      const ofA = await seedRun(harness.adapter, { tenantId: "tenant-a", status: "running" }, numberedEvents(2));
      const ofB = await seedRun(harness.adapter, { tenantId: "tenant-b", status: "running" }, numberedEvents(3));
      await harness.adapter.commitStep({ runId: ofA, events: numberedEvents(1) });
      await harness.adapter.commitStep({ runId: ofB, events: numberedEvents(1) });
      const feedOfA = await readAll(harness, "tenant-a");
      const feedOfB = await readAll(harness, "tenant-b");
      expect(feedOfA.map((entry) => keyOf(entry.event))).toEqual([`${ofA}#0`, `${ofA}#1`, `${ofA}#2`]);
      expect(feedOfB.map((entry) => keyOf(entry.event))).toEqual([`${ofB}#0`, `${ofB}#1`, `${ofB}#2`, `${ofB}#3`]);
      expect(await readAll(harness, "tenant-c")).toEqual([]);
      // Another tenant's position is no key to anything: after it, tenant-b is still served only its own events.
      const afterA = feedOfA[0]?.position;
      const fromB = await readAll(harness, "tenant-b", afterA === undefined ? {} : { after: afterA });
      expect(fromB.every((entry) => entry.event.runId === ofB)).toBe(true);
    });

    it("a delivery carries the feed position of its event", async () => {
      const subscription = await seedSubscription(harness.adapter, { events: ["node.progress", "run.completed"] });
      const runId = await seedRun(harness.adapter, { status: "running" }, [
        newEvent("run.created"),
        ...numberedEvents(2),
      ]);
      await harness.adapter.commitStep({ runId, events: [newEvent("run.completed")] });
      const positions = new Map(
        (await readAll(harness, "tenant-a")).map((entry) => [keyOf(entry.event), entry.position]),
      );
      const deliveries = await deliveriesOf(harness.adapter, subscription);
      expect(deliveries).toHaveLength(3);
      for (const delivery of deliveries) {
        expect(delivery.feedPosition).toBe(positions.get(`${delivery.runId}#${delivery.sequence}`));
      }
    });

    it("retention takes an expired run's events out of the feed; a position of one of them still leads on", async () => {
      const expiring = await seedRun(harness.adapter, { status: "running" }, numberedEvents(2));
      const kept = await seedRun(harness.adapter, { status: "running" }, numberedEvents(1));
      await harness.adapter.commitStep({
        runId: expiring,
        events: [newEvent("run.completed")],
        patch: { status: "completed", completedAt: isoAt(DAY) },
      });
      await harness.adapter.commitStep({ runId: kept, events: numberedEvents(1) });
      const before = await readAll(harness, "tenant-a");
      expect(before).toHaveLength(5);
      const lastOfExpiring = before.find((entry) => keyOf(entry.event) === `${expiring}#2`);

      expect(await harness.adapter.expireRuns(isoAt(2 * DAY), 10, isoAt(3 * DAY))).toEqual([expiring]);
      const after = await readAll(harness, "tenant-a");
      expect(after).toEqual(before.filter((entry) => entry.event.runId === kept));
      expect(await readAll(harness, "tenant-a", { after: lastOfExpiring?.position ?? "" })).toEqual(
        before.slice(before.indexOf(lastOfExpiring as FeedEntry) + 1).filter((entry) => entry.event.runId === kept),
      );
      // Positions are never handed out twice, even once their events are gone.
      const next = await harness.adapter.commitStep({ runId: kept, events: numberedEvents(1) });
      const tail = await harness.adapter.readFeed("tenant-a", { after: before[4]?.position, limit: 10 });
      expect(tail.map((entry) => entry.event)).toEqual(next);
      expect(before.map((entry) => entry.position)).not.toContain(tail[0]?.position);
      expect(await harness.adapter.expireRun(kept, isoAt(3 * DAY))).toBe(true);
      expect(await readAll(harness, "tenant-a")).toEqual([]);
    });

    it("watchFeed hears of appended events, from steps and run creations", async () => {
      const runId = await seedRun(harness.adapter, { status: "running" });
      const recorder = new CallRecorder<[]>();
      const stop = harness.adapter.watchFeed(recorder.listener);
      try {
        await harness.adapter.commitStep({ runId, events: numberedEvents(1) });
        await recorder.waitFor(() => true, settings.notificationTimeoutMs, "watchFeed after a step");
        const heard = recorder.calls.length;
        await harness.adapter.createRun({ run: newRun({ tenantId: "tenant-b" }), events: numberedEvents(1) });
        await recorder.waitFor(
          () => recorder.calls.length > heard,
          settings.notificationTimeoutMs,
          "watchFeed after a run creation",
        );
      } finally {
        stop();
      }
    });

    it("rejects a malformed position with a RangeError", async () => {
      await seedRun(harness.adapter, {}, numberedEvents(1));
      for (const after of ["", "not a position", "-1", "1.5", "💥"]) {
        await expect(harness.adapter.readFeed("tenant-a", { after, limit: 10 }), after).rejects.toBeInstanceOf(
          RangeError,
        );
      }
    });

    it("a reader following the feed while writers commit concurrently sees every event exactly once, each run in order", async () => {
      const runsOfA = await Promise.all(range(0, 4).map(() => seedRun(harness.adapter, { status: "running" })));
      const runOfB = await seedRun(harness.adapter, { tenantId: "tenant-b", status: "running" });
      const stepsPerWriter = Math.max(4, Math.ceil(settings.concurrentSteps / 8));
      let writing = true;
      // Two writers per run, so steps of one run race each other as well as the other runs.
      const writers = Promise.all(
        [...runsOfA, runOfB].flatMap((runId) =>
          range(0, 2).map(async (writer) => {
            for (const step of range(0, stepsPerWriter)) {
              await harness.adapter.commitStep({
                runId,
                events: numberedEvents(1 + ((step + writer) % 3), { payload: { writer, step } }),
              });
            }
          }),
        ),
      ).finally(() => {
        writing = false;
      });
      const seen: FeedEntry[] = [];
      let after: string | undefined;
      const follow = async (): Promise<number> => {
        const page = await harness.adapter.readFeed("tenant-a", {
          limit: 5,
          ...(after === undefined ? {} : { after }),
        });
        seen.push(...page);
        after = page.at(-1)?.position ?? after;
        return page.length;
      };
      let reads = 0;
      while (writing) {
        reads += 1;
        if ((await follow()) === 0) await pause(1);
      }
      await writers;
      while ((await follow()) > 0) reads += 1;

      const logged = (
        await Promise.all(runsOfA.map((runId) => harness.adapter.readEvents(runId, { limit: 10_000 })))
      ).flat();
      expect(logged.length).toBeGreaterThanOrEqual(4 * 2 * stepsPerWriter);
      expect(reads).toBeGreaterThan(1);
      const seenKeys = seen.map((entry) => keyOf(entry.event));
      expect(new Set(seenKeys).size).toBe(seenKeys.length);
      expect([...seenKeys].sort()).toEqual(logged.map(keyOf).sort());
      for (const runId of runsOfA) {
        const sequences = seen.filter((entry) => entry.event.runId === runId).map((entry) => entry.event.sequence);
        expect(sequences).toEqual(range(0, sequences.length));
      }
      expect(new Set(seen.map((entry) => entry.position)).size).toBe(seen.length);
    });
  });
}
