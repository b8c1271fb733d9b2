import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RetentionSweeper, type RetentionSweeperOptions, type RetentionSweepStore } from "@openwop/core";
import {
  StorageUnavailableError,
  type IdempotencyRecord,
  type NewRunRecord,
  type RunStatus,
  type StorageAdapter,
} from "@openwop/storage";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "@openwop/server/testing";
import { newRun } from "@openwop/storage/testing";
import { openSqliteStorage } from "./index.js";

/*
 * The retention sweeper against a real SQLite file. The clock is injected, so "eight days ago"
 * is a fixed instant rather than something the test waits for.
 */

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2031, 5, 1, 12, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStore(): Promise<StorageAdapter> {
  const dir = await mkdtemp(join(tmpdir(), "openwop-retention-sweeper-"));
  const adapter = await openSqliteStorage(join(dir, "openwop.db"));
  cleanups.push(async () => {
    // A test may have closed it already; a second close only rejects.
    await adapter.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return adapter;
}

/** A run as the engine leaves it: `completedAt` is set exactly when the status is terminal. */
function plantedRun(status: RunStatus, at: { createdAt: number; completedAt: number | null }): NewRunRecord {
  return newRun({
    workflowId: "planted",
    status,
    definition: { id: "planted" },
    createdAt: iso(at.createdAt),
    startedAt: iso(at.createdAt),
    completedAt: at.completedAt === null ? null : iso(at.completedAt),
    updatedAt: iso(at.completedAt ?? at.createdAt),
  });
}

async function plant(store: StorageAdapter, run: NewRunRecord): Promise<string> {
  await store.createRun({
    run,
    events: [
      { type: "run.started", payload: {}, timestamp: run.createdAt },
      { type: `run.${run.status}`, payload: {}, timestamp: run.updatedAt },
    ],
  });
  return run.runId;
}

function sweeper(store: RetentionSweepStore, overrides: Partial<RetentionSweeperOptions> = {}): RetentionSweeper {
  const built = new RetentionSweeper({
    store,
    retentionSeconds: 7 * 86_400,
    idempotencyRetentionSeconds: 86_400,
    intervalMs: 60_000,
    batchSize: 500,
    now: () => NOW,
    ...overrides,
  });
  cleanups.push(() => built.stop());
  return built;
}

/** The real adapter, with the batch sizes it was asked for recorded on the way through. */
function recordingBatches(store: StorageAdapter): {
  store: RetentionSweepStore;
  batches: number[];
  maxConcurrent: () => number;
} {
  const batches: number[] = [];
  let active = 0;
  let peak = 0;
  return {
    batches,
    maxConcurrent: () => peak,
    store: {
      expireRuns: async (completedBefore, limit, expiredAt) => {
        active += 1;
        peak = Math.max(peak, active);
        try {
          const expired = await store.expireRuns(completedBefore, limit, expiredAt);
          batches.push(expired.length);
          return expired;
        } finally {
          active -= 1;
        }
      },
      purgeIdempotencyRecords: (createdBefore) => store.purgeIdempotencyRecords(createdBefore),
    },
  };
}

describe("RetentionSweeper on SQLite", () => {
  it("removes only terminal runs finished before the window, in bounded batches, each leaving a tombstone", async () => {
    const store = await openStore();
    const old = NOW - 8 * DAY_MS;
    const expirable: string[] = [];
    for (const status of ["completed", "failed", "cancelled"] as const) {
      for (let i = 0; i < 3; i += 1)
        expirable.push(await plant(store, plantedRun(status, { createdAt: old - DAY_MS, completedAt: old + i })));
    }
    const kept: string[] = [];
    // However old, a run that has not finished is never retention's to remove (P4.2) — even
    // one carrying a stale completedAt.
    for (const status of [
      "pending",
      "running",
      "paused",
      "waiting-approval",
      "waiting-input",
      "waiting-external",
    ] as const) {
      kept.push(await plant(store, plantedRun(status, { createdAt: NOW - 400 * DAY_MS, completedAt: null })));
    }
    kept.push(
      await plant(store, plantedRun("cancelling", { createdAt: NOW - 400 * DAY_MS, completedAt: NOW - 300 * DAY_MS })),
    );
    // Finished inside the window: one second younger than the cutoff.
    kept.push(
      await plant(
        store,
        plantedRun("completed", { createdAt: NOW - 8 * DAY_MS, completedAt: NOW - 7 * DAY_MS + 1000 }),
      ),
    );

    const recorded = recordingBatches(store);
    const result = await sweeper(recorded.store, { batchSize: 4 }).sweepOnce();

    expect(result).toEqual({ runsExpired: 9, idempotencyRecordsPurged: 0, complete: true });
    expect(recorded.batches).toEqual([4, 4, 1]);
    for (const runId of expirable) {
      expect(await store.getRun(runId)).toBeNull();
      expect(await store.readEvents(runId)).toEqual([]);
      expect(await store.getTombstone(runId)).toEqual({ runId, tenantId: "tenant-a", expiredAt: iso(NOW) });
    }
    for (const runId of kept) {
      expect(await store.getRun(runId)).not.toBeNull();
      expect(await store.readEvents(runId)).toHaveLength(2);
      expect(await store.getTombstone(runId)).toBeNull();
    }
    expect(await sweeper(store).sweepOnce()).toEqual({ runsExpired: 0, idempotencyRecordsPurged: 0, complete: true });
  });

  it("purges idempotency records created before the idempotency window, and only those", async () => {
    const store = await openStore();
    const record = (recordKey: string, createdAt: number): IdempotencyRecord => ({
      recordKey,
      tenantId: "tenant-a",
      endpoint: "POST /v1/runs",
      requestDigest: "digest",
      state: "pending",
      leaseExpiresAt: createdAt + 30_000,
      response: null,
      createdAt: iso(createdAt),
    });
    const ages = { twoDays: 2 * DAY_MS, justOverADay: DAY_MS + 1, exactlyADay: DAY_MS, anHour: 3_600_000 };
    for (const [key, age] of Object.entries(ages)) {
      await store.claimIdempotencyKey(record(key, NOW - age), NOW - age);
      if (key !== "anHour") await store.completeIdempotencyKey(key, { status: 201, headers: {}, body: { runId: key } });
    }
    const result = await sweeper(store).sweepOnce();
    expect(result.idempotencyRecordsPurged).toBe(2);
    expect(await store.getIdempotencyRecord("twoDays")).toBeNull();
    expect(await store.getIdempotencyRecord("justOverADay")).toBeNull();
    expect(await store.getIdempotencyRecord("exactlyADay")).not.toBeNull();
    expect(await store.getIdempotencyRecord("anHour")).not.toBeNull();
  });

  it("sweeps on its interval once started, and not after stop()", async () => {
    const store = await openStore();
    const finishedLongAgo = (): NewRunRecord =>
      plantedRun("completed", { createdAt: NOW - 30 * DAY_MS, completedAt: NOW - 30 * DAY_MS });
    const first = await plant(store, finishedLongAgo());
    const timed = sweeper(store, { intervalMs: 20 });
    timed.start();
    await eventually(async () => (await store.getTombstone(first)) !== null, "the timer sweeps the first run", 10_000);
    await timed.stop();
    const second = await plant(store, finishedLongAgo());
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await store.getRun(second)).not.toBeNull();
  });

  it("stop() waits for the sweep in progress, which ends after its current batch", async () => {
    const store = await openStore();
    for (let i = 0; i < 40; i += 1)
      await plant(store, plantedRun("completed", { createdAt: NOW - 9 * DAY_MS, completedAt: NOW - 9 * DAY_MS + i }));
    const stoppable = sweeper(store, { batchSize: 5 });
    const sweep = stoppable.sweepOnce();
    await stoppable.stop();
    // The first batch was already in storage's hands when stop() came; nothing after it ran.
    expect(await sweep).toEqual({ runsExpired: 5, idempotencyRecordsPurged: 0, complete: false });
    expect((await store.countRunsByStatus())["completed"]).toBe(35);
  });

  it("never runs two sweeps at once: a second sweepOnce() waits for the first", async () => {
    const store = await openStore();
    for (let i = 0; i < 30; i += 1)
      await plant(store, plantedRun("failed", { createdAt: NOW - 9 * DAY_MS, completedAt: NOW - 9 * DAY_MS + i }));
    const recorded = recordingBatches(store);
    const shared = sweeper(recorded.store, { batchSize: 4 });
    const [a, b] = await Promise.all([shared.sweepOnce(), shared.sweepOnce()]);
    expect(recorded.maxConcurrent()).toBe(1);
    expect(a).toEqual({ runsExpired: 30, idempotencyRecordsPurged: 0, complete: true });
    expect(b).toEqual({ runsExpired: 0, idempotencyRecordsPurged: 0, complete: true });
  });

  it("reports a storage outage to onError, never throws, and keeps its timer going for the next tick", async () => {
    const store = await openStore();
    await store.close();
    const errors: Array<{ error: unknown; context: string }> = [];
    const failing = sweeper(store, { intervalMs: 10, onError: (error, context) => errors.push({ error, context }) });
    expect(await failing.sweepOnce()).toEqual({ runsExpired: 0, idempotencyRecordsPurged: 0, complete: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(StorageUnavailableError);
    expect(errors[0]?.context).toMatch(/storage unavailable/);
    failing.start();
    await eventually(async () => errors.length >= 3, "later ticks keep trying", 10_000);
    await failing.stop();
    // Even an error sink that throws cannot make a sweep reject.
    const careless = sweeper(store, {
      onError: () => {
        throw new Error("logger down");
      },
    });
    expect(await careless.sweepOnce()).toEqual({ runsExpired: 0, idempotencyRecordsPurged: 0, complete: false });
  });

  it("refuses a batch size that could never make progress", async () => {
    const store = await openStore();
    expect(() => sweeper(store, { batchSize: 0 })).toThrow(RangeError);
  });
});
