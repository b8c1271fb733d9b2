import type { RunStatus } from "@openwop/storage";
import { RunStatusCounts } from "@openwop/core";
import { describe, expect, it } from "vitest";
import { QueueSampler } from "./queue-sampler.js";

/** A store whose counts the test sets, counting how often it was asked. */
function countingStore(initial: Partial<Record<RunStatus, number>>) {
  const store = {
    counts: initial,
    queries: 0,
    failing: false,
    async countRunsByStatus() {
      store.queries += 1;
      if (store.failing) throw new Error("store down");
      return store.counts;
    },
  };
  return store;
}

describe("QueueSampler", () => {
  it("counts pending runs and the non-terminal backlog", async () => {
    const store = countingStore({
      pending: 3,
      running: 2,
      "waiting-approval": 1,
      completed: 40,
      failed: 2,
      cancelled: 1,
    });
    expect(await new QueueSampler(new RunStatusCounts(store)).read()).toEqual({ pending: 3, backlog: 6 });
  });

  it("reuses a sample younger than its maximum age, and shares one query among concurrent readers", async () => {
    let now = 0;
    const store = countingStore({ pending: 1 });
    const sampler = new QueueSampler(new RunStatusCounts(store, () => now), 5_000, () => now);
    await Promise.all([sampler.read(), sampler.read(), sampler.read()]);
    expect(store.queries).toBe(1);
    store.counts = { pending: 7 };
    now = 4_999;
    expect((await sampler.read()).pending).toBe(1);
    now = 5_000;
    expect((await sampler.read()).pending).toBe(7);
    expect(store.queries).toBe(2);
  });

  it("keeps the last sample when the store fails, without retrying before the maximum age", async () => {
    let now = 0;
    const store = countingStore({ pending: 2 });
    const sampler = new QueueSampler(new RunStatusCounts(store, () => now), 1_000, () => now);
    await sampler.read();
    store.failing = true;
    now = 1_000;
    expect((await sampler.read()).pending).toBe(2);
    now = 1_500;
    await sampler.read();
    expect(store.queries).toBe(2);
  });
});
