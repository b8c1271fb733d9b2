import type { NewRunEvent, NewRunRecord, RunCreation, StorageAdapter } from "@openwop/storage";
import { eventually } from "@openwop/storage/testing";
import { expect } from "vitest";
import type { RunningHost } from "../host.js";
import { expectErrorEnvelope } from "./error-envelope.js";
import { bearer, request, type HttpResult } from "./http.js";
import { RunProbe } from "./run-probe.js";

const DAY_MS = 86_400_000;

/** Runs `work` over `items` with at most `width` in flight, so storage is kept busy but not flooded. */
export async function inParallel<T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index] as T, index);
      }
    }),
  );
}

/** A 410 `run_expired` in the canonical envelope, JSON, carrying exactly `details.expiredAt`. */
export function expectExpired(result: HttpResult, expiredAt: string): void {
  const body = expectErrorEnvelope(result, 410, "run_expired");
  expect(Object.keys(body).sort()).toEqual(["details", "error", "message"]);
  expect(body.details).toEqual({ expiredAt });
}

/**
 * Copies of a real run, re-dated: what a host holds after weeks of traffic, without waiting
 * weeks. The copy keeps the engine's own snapshot state and log, with the run id and every
 * timestamp rewritten; `at` is when the copy finished (or, unfinished, when it last moved).
 */
export async function runCopier(
  store: StorageAdapter,
  templateRunId: string,
): Promise<(runId: string, at: number) => RunCreation> {
  const template = await store.getRun(templateRunId);
  if (!template) throw new Error(`template run ${templateRunId} is missing`);
  const finished = template.completedAt !== null;
  const { claim: _claim, lastSequence: _lastSequence, ...record } = template;
  const log: NewRunEvent[] = (await store.readEvents(templateRunId, { limit: 1000 })).map(
    ({ eventId: _id, runId: _run, sequence: _seq, ...event }) => event,
  );
  // Run ids are random, so a plain text substitution renames the run everywhere it appears.
  const text = JSON.stringify({ run: record, events: log });
  return (runId, at) => {
    const copy = JSON.parse(text.replaceAll(templateRunId, runId)) as { run: NewRunRecord; events: NewRunEvent[] };
    const last = new Date(at).toISOString();
    const first = new Date(at - 1000).toISOString();
    return {
      run: { ...copy.run, createdAt: first, startedAt: first, completedAt: finished ? last : null, updatedAt: last },
      events: copy.events.map((event) => ({ ...event, timestamp: last })),
    };
  };
}

export interface SweepUnderLoadOptions {
  /** The host's bootstrap key (tenant `default`). */
  apiKey: string;
  /** Storage writes and reads in flight at once while planting and checking the 10 000 runs. */
  storageWidth: number;
}

/**
 * The retention done-when on a durable host: 10 000 runs finished 30 days ago are swept by
 * `host.retention.sweepOnce()` while three clients keep creating runs over HTTP and following
 * them to completion. Every old run is gone with a tombstone (410 over HTTP), runs inside the
 * window and unfinished runs a year old survive, every live run completed, and the sweep gave
 * the event loop turns while it was under way (so the server kept serving). The host's sweep
 * timer must not run during the test.
 */
export async function expectSweepUnderLoad(host: RunningHost, options: SweepUnderLoadOptions): Promise<void> {
  const { apiKey, storageWidth } = options;
  const store = host.engine.store;
  const probe = new RunProbe(() => host.url, apiKey);
  const finishedTemplate = await probe.create("conformance-multi-node");
  const waitingTemplate = await probe.create("conformance-approval");
  await probe.waitFor(finishedTemplate, ["completed"], 10_000);
  await probe.waitFor(waitingTemplate, ["waiting-approval"], 10_000);
  const copyFinished = await runCopier(store, finishedTemplate);
  const copyWaiting = await runCopier(store, waitingTemplate);

  const EXPIRED = 10_000;
  const now = Date.now();
  const expired = Array.from({ length: EXPIRED }, (_, i) => `run-expired-${i}`);
  await inParallel(expired, storageWidth, (runId, i) => store.createRun(copyFinished(runId, now - 30 * DAY_MS + i)));
  const survivors = [
    ...Array.from({ length: 20 }, (_, i) => `run-inside-window-${i}`),
    ...Array.from({ length: 20 }, (_, i) => `run-waiting-for-a-year-${i}`),
  ];
  for (const [i, runId] of survivors.entries()) {
    await store.createRun(
      runId.startsWith("run-inside")
        ? copyFinished(runId, now - 6 * DAY_MS + i)
        : copyWaiting(runId, now - 365 * DAY_MS + i),
    );
  }

  // A steady stream of new runs over HTTP, each followed to completion.
  const live: Array<{ runId: string }> = [];
  let streaming = true;
  const clients = Array.from({ length: 3 }, async () => {
    while (streaming) {
      const runId = await probe.create("conformance-noop");
      await probe.waitFor(runId, ["completed"], 30_000);
      live.push({ runId });
    }
  });
  const waitForLive = async (count: number): Promise<void> => {
    const target = live.length + count;
    await eventually(() => live.length >= target, `${count} more live runs complete`, 30_000);
  };
  await waitForLive(3);
  // Counts the event-loop turns the sweep leaves to others: a setImmediate chain advances
  // once per turn, and only while the sweep is running. Whether live runs also happened to
  // finish in that window depends on how fast the machine is; the turns do not.
  let sweeping = true;
  let turns = 0;
  const countTurn = (): void => {
    if (!sweeping) return;
    turns += 1;
    setImmediate(countTurn);
  };
  setImmediate(countTurn);
  const result = await host.retention.sweepOnce();
  sweeping = false;
  await waitForLive(3);
  streaming = false;
  await Promise.all(clients);

  expect(result).toEqual({ runsExpired: EXPIRED, idempotencyRecordsPurged: 0, complete: true });
  // The sweep yields between batches: other work ran, more than once, while it was under way.
  expect(turns).toBeGreaterThan(1);
  await inParallel(expired, storageWidth, async (runId) => {
    expect(await store.getRun(runId)).toBeNull();
    expect((await store.getTombstone(runId))?.tenantId).toBe("default");
  });
  for (const runId of [expired[0], expired[4_999], expired[EXPIRED - 1]] as string[]) {
    const tombstone = await store.getTombstone(runId);
    expectExpired(
      await request(host.url, `/v1/runs/${runId}`, { headers: bearer(apiKey) }),
      tombstone?.expiredAt ?? "missing",
    );
  }
  for (const runId of [...survivors, finishedTemplate, waitingTemplate]) {
    expect(await store.getRun(runId), runId).not.toBeNull();
    expect(await store.getTombstone(runId)).toBeNull();
  }
  expect(live.length).toBeGreaterThanOrEqual(6);
  for (const { runId } of live) {
    expect(await probe.status(runId)).toBe("completed");
    expect(await store.getTombstone(runId)).toBeNull();
  }
  // Every run that reached a terminal status is one of: removed (10 000), live, or a survivor.
  expect((await store.countRunsByStatus())["completed"]).toBe(live.length + 20 + 1);
}
