import { describe, expect, it } from "vitest";
import type { ReadEventsOptions, RunStore, Unsubscribe } from "../../../adapter.js";
import type { RunEvent } from "../../../records.js";
import { subscribeToRunEvents } from "../../../subscribe.js";
import { eventually, pause } from "../../eventually.js";
import { newEvent, numberedEvents, range, seedRun } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";
import type { ContractSettings } from "../options.js";

/** Collects what a subscription delivers. */
class Delivery {
  readonly events: RunEvent[] = [];
  readonly errors: unknown[] = [];

  sequences(): number[] {
    return this.events.map((event) => event.sequence);
  }
}

/** Small pages, so the backlog takes several reads and every page boundary is exercised. */
const PAGE_SIZE = 2;

function subscribe(store: RunStore, runId: string, fromSequence: number, delivery: Delivery): Unsubscribe {
  return subscribeToRunEvents(store, runId, {
    fromSequence,
    pageSize: PAGE_SIZE,
    onEvent: (event) => delivery.events.push(event),
    onError: (error) => delivery.errors.push(error),
  });
}

/**
 * A view of the adapter whose `readEvents` lets the test append while a backlog read is
 * in flight: the exact window in which a subscribe-after-read implementation loses events.
 */
function storeWithRacingAppends(
  store: RunStore,
  duringRead: (read: () => Promise<RunEvent[]>) => Promise<RunEvent[]>,
): RunStore {
  return {
    createRun: (creation) => store.createRun(creation),
    getRun: (runId, tenantId) => store.getRun(runId, tenantId),
    listRuns: (query) => store.listRuns(query),
    commitStep: (step) => store.commitStep(step),
    readEvents: (runId: string, options?: ReadEventsOptions) => duringRead(() => store.readEvents(runId, options)),
    latestEvent: (runId) => store.latestEvent(runId),
    watchEvents: (runId, listener) => store.watchEvents(runId, listener),
    listSuspensions: (runId, options) => store.listSuspensions(runId, options),
  };
}

export function describeEventSubscription(harness: AdapterHarness, settings: ContractSettings): void {
  const wait = settings.notificationTimeoutMs;

  describe("subscribeToRunEvents over this adapter", () => {
    it("delivers the backlog, then live events, each exactly once and in order", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(5));
      const delivery = new Delivery();
      const stop = subscribe(harness.adapter, runId, 0, delivery);
      try {
        await eventually(() => delivery.events.length >= 5, "the backlog", wait);
        for (const index of range(5, 8)) {
          await harness.adapter.commitStep({ runId, events: [newEvent("node.progress", { index })] });
        }
        await eventually(() => delivery.events.length >= 8, "the live events", wait);
        await pause(50);
        expect(delivery.sequences()).toEqual(range(0, 8));
        expect(delivery.events).toEqual(await harness.adapter.readEvents(runId));
        expect(delivery.errors).toEqual([]);
      } finally {
        stop();
      }
    });

    it("starts at an inclusive fromSequence", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(6));
      const delivery = new Delivery();
      const stop = subscribe(harness.adapter, runId, 3, delivery);
      try {
        await harness.adapter.commitStep({ runId, events: [newEvent("node.progress")] });
        await eventually(() => delivery.events.length >= 4, "events from sequence 3", wait);
        await pause(50);
        expect(delivery.sequences()).toEqual([3, 4, 5, 6]);
      } finally {
        stop();
      }
    });

    it("misses nothing and repeats nothing when appends land while the backlog is being read", async () => {
      const runId = await seedRun(harness.adapter, {}, numberedEvents(3));
      const append = (label: string) =>
        harness.adapter.commitStep({ runId, events: [newEvent("node.progress", { label })] });
      let racedBeforeFirstRead = false;
      let racedAfterLastPage = false;
      const racing = storeWithRacingAppends(harness.adapter, async (read) => {
        if (!racedBeforeFirstRead) {
          // Lands just before a read: the read and a notification both cover it (a repeat to drop).
          racedBeforeFirstRead = true;
          await append("before-first-read");
          return read();
        }
        const page = await read();
        if (page.length < PAGE_SIZE && !racedAfterLastPage) {
          // Lands after the last backlog page was read but before it is handed back: the
          // window a read-then-subscribe implementation loses until the next append.
          racedAfterLastPage = true;
          await append("after-last-page-1");
          await append("after-last-page-2");
        }
        return page;
      });
      const delivery = new Delivery();
      const stop = subscribe(racing, runId, 0, delivery);
      try {
        await eventually(
          () => delivery.events.length >= 6,
          "backlog plus the racing appends, without a further append",
          wait,
        );
        expect(racedAfterLastPage).toBe(true);
        await append("live");
        await eventually(() => delivery.events.length >= 7, "the live event after the race", wait);
        await pause(50);
        expect(delivery.sequences()).toEqual(range(0, 7));
        expect(delivery.errors).toEqual([]);
      } finally {
        stop();
      }
    });

    it("delivers many concurrent appends exactly once, in order", async () => {
      const runId = await seedRun(harness.adapter, {}, [newEvent("run.created")]);
      const delivery = new Delivery();
      const stop = subscribe(harness.adapter, runId, 0, delivery);
      try {
        const total = 1 + settings.concurrentSteps;
        await Promise.all(
          range(0, settings.concurrentSteps).map((index) =>
            harness.adapter.commitStep({ runId, events: [newEvent("node.progress", { index })] }),
          ),
        );
        await eventually(() => delivery.events.length >= total, "every concurrent append", wait);
        await pause(50);
        expect(delivery.sequences()).toEqual(range(0, total));
      } finally {
        stop();
      }
    });
  });
}
