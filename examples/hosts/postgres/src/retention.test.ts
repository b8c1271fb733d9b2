import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import type { RunningHost } from "@openwop/server";
import { RunProbe, bearer, request, type HttpResult } from "@openwop/server/testing";
import type { NewRunEvent, NewRunRecord, RunCreation, StorageAdapter } from "@openwop/storage";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startPostgresHost, type PostgresHostOptions } from "./index.js";

/*
 * Retention on the Postgres host over real sockets: a 10 000-run sweep under live load, and the
 * force-expire seam's 410 answers. One server for the file, one fresh database per test.
 */

const DAY_MS = 86_400_000;
const KEY = "hk_test_retention_postgres";

let server: PostgresServer;
let databases = 0;
const hosts: RunningHost[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

afterAll(async () => {
  await server?.stop();
});

async function startHost(options: Omit<PostgresHostOptions, "connectionString"> = {}): Promise<RunningHost> {
  databases += 1;
  const connectionString = await server.createDatabase(`openwop_retention_${databases}`);
  const host = await startPostgresHost({ connectionString, port: 0, apiKey: KEY, ...options });
  hosts.push(host);
  return host;
}

function expectExpired(result: HttpResult, expiredAt: string): void {
  expect(result.status, result.text).toBe(410);
  expect(result.headers.get("content-type")).toMatch(/^application\/json/);
  const body = result.json as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["details", "error", "message"]);
  expect(body["error"]).toBe("run_expired");
  expect(body["details"]).toEqual({ expiredAt });
}

/**
 * Copies of a real run, re-dated: what a host holds after weeks of traffic, without waiting
 * weeks. The copy keeps the engine's own snapshot state and log, with the run id and every
 * timestamp rewritten.
 */
async function runCopier(store: StorageAdapter, templateRunId: string): Promise<(runId: string, at: number) => RunCreation> {
  const template = await store.getRun(templateRunId);
  if (!template) throw new Error(`template run ${templateRunId} is missing`);
  const finished = template.completedAt !== null;
  const { claim: _claim, lastSequence: _lastSequence, ...record } = template;
  const log: NewRunEvent[] = (await store.readEvents(templateRunId, { limit: 1000 })).map(({ eventId: _id, runId: _run, sequence: _seq, ...event }) => event);
  // Run ids are random, so a plain text substitution renames the run everywhere it appears.
  const text = JSON.stringify({ run: record, events: log });
  return (runId, at) => {
    const copy = JSON.parse(text.replaceAll(templateRunId, runId)) as { run: NewRunRecord; events: NewRunEvent[] };
    const last = new Date(at).toISOString();
    const first = new Date(at - 1000).toISOString();
    return {
      // `at` is when the run finished, or for an unfinished run when it last moved.
      run: { ...copy.run, createdAt: first, startedAt: first, completedAt: finished ? last : null, updatedAt: last },
      events: copy.events.map((event) => ({ ...event, timestamp: last })),
    };
  };
}

async function eventually(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `work` over `items` with at most `width` in flight, so a pool is kept busy but not flooded. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index] as T, index);
      }
    }),
  );
}

describe("retention on the postgres host", () => {
  it("sweeps 10 000 expired runs while new runs keep completing, and removes no live run", async () => {
    // The test drives the sweep itself (sweepOnce), so the timer must not get there first.
    const host = await startHost({ settings: { retentionSweepIntervalMs: 3_600_000 } });
    const store = host.engine.store;
    const probe = new RunProbe(() => host.url, KEY);
    const finishedTemplate = await probe.create("conformance-multi-node");
    const waitingTemplate = await probe.create("conformance-approval");
    await probe.waitFor(finishedTemplate, ["completed"], 10_000);
    await probe.waitFor(waitingTemplate, ["waiting-approval"], 10_000);
    const copyFinished = await runCopier(store, finishedTemplate);
    const copyWaiting = await runCopier(store, waitingTemplate);

    const EXPIRED = 10_000;
    const now = Date.now();
    const expired = Array.from({ length: EXPIRED }, (_, i) => `run-expired-${i}`);
    await inParallel(expired, 8, (runId, i) => store.createRun(copyFinished(runId, now - 30 * DAY_MS + i)).then(() => undefined));
    const survivors = [
      ...Array.from({ length: 20 }, (_, i) => `run-inside-window-${i}`),
      ...Array.from({ length: 20 }, (_, i) => `run-waiting-for-a-year-${i}`),
    ];
    for (const [i, runId] of survivors.entries()) {
      await store.createRun(runId.startsWith("run-inside") ? copyFinished(runId, now - 6 * DAY_MS + i) : copyWaiting(runId, now - 365 * DAY_MS + i));
    }

    // A steady stream of new runs over HTTP, each followed to completion.
    const live: Array<{ runId: string; completedAt: number }> = [];
    let streaming = true;
    const clients = Array.from({ length: 3 }, async () => {
      while (streaming) {
        const runId = await probe.create("conformance-noop");
        await probe.waitFor(runId, ["completed"], 30_000);
        live.push({ runId, completedAt: performance.now() });
      }
    });
    const waitForLive = async (count: number): Promise<void> => {
      const target = live.length + count;
      await eventually(() => live.length >= target, 30_000, `${count} more live runs complete`);
    };
    await waitForLive(3);
    const sweepStartedAt = performance.now();
    const result = await host.retention.sweepOnce();
    const sweepEndedAt = performance.now();
    await waitForLive(3);
    streaming = false;
    await Promise.all(clients);

    expect(result).toEqual({ runsExpired: EXPIRED, idempotencyRecordsPurged: 0, complete: true });
    // The sweep goes in batches on the pool's connections: live runs finished while it was under way.
    expect(live.filter((run) => run.completedAt > sweepStartedAt && run.completedAt < sweepEndedAt).length).toBeGreaterThan(0);
    await inParallel(expired, 8, async (runId) => {
      expect(await store.getRun(runId)).toBeNull();
      expect((await store.getTombstone(runId))?.tenantId).toBe("default");
    });
    for (const runId of [expired[0], expired[4_999], expired[EXPIRED - 1]] as string[]) {
      const tombstone = await store.getTombstone(runId);
      expectExpired(await request(host.url, `/v1/runs/${runId}`, { headers: bearer(KEY) }), tombstone?.expiredAt ?? "missing");
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
  }, 120_000);

  it("force-expires through the seam; the run-scoped endpoints then answer 410, and an unfinished run is refused", async () => {
    const host = await startHost({ settings: { testForceExpire: true } });
    const probe = new RunProbe(() => host.url, KEY);
    const waiting = await probe.create("conformance-approval");
    const finished = await probe.create("conformance-noop");
    await probe.waitFor(waiting, ["waiting-approval"], 10_000);
    await probe.waitFor(finished, ["completed"], 10_000);

    const refused = await request(host.url, `/v1/host/test/expire/${waiting}`, { method: "POST", headers: bearer(KEY), body: {} });
    expect(refused.status, refused.text).toBe(409);
    expect((refused.json as { error: string }).error).toBe("run_not_terminal");

    const seam = await request(host.url, `/v1/host/test/expire/${finished}`, { method: "POST", headers: bearer(KEY), body: {} });
    expect(seam.status, seam.text).toBe(200);
    const { expiredAt } = seam.json as { expiredAt: string };
    expect(seam.json).toEqual({ runId: finished, expiredAt });
    expect(await host.engine.store.getTombstone(finished)).toEqual({ runId: finished, tenantId: "default", expiredAt });

    const read = { headers: bearer(KEY) };
    expectExpired(await request(host.url, `/v1/runs/${finished}`, read), expiredAt);
    expectExpired(await request(host.url, `/v1/runs/${finished}/events/poll?lastSequence=0&timeout=30`, read), expiredAt);
    expectExpired(await request(host.url, `/v1/runs/${finished}/events`, { headers: { ...bearer(KEY), accept: "text/event-stream" } }), expiredAt);
    expectExpired(await request(host.url, `/v1/runs/${finished}/debug-bundle`, read), expiredAt);
    expectExpired(await request(host.url, `/v1/runs/${finished}/cancel`, { method: "POST", headers: bearer(KEY), body: {} }), expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${finished}/interrupts/gate`, { method: "POST", headers: bearer(KEY), body: { resumeValue: { action: "accept" } } }),
      expiredAt,
    );
    expect(await probe.status(waiting)).toBe("waiting-approval");
  });
});
