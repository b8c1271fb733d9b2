import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCOPES } from "@openwop/core";
import type { RunningHost } from "@openwop/server";
import { RunProbe, bearer, request, type HttpResult } from "@openwop/server/testing";
import type { NewRunEvent, NewRunRecord, RunCreation, StorageAdapter } from "@openwop/storage";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStorage, startSqliteHost, type SqliteHostOptions } from "./index.js";

/*
 * Retention on the SQLite host over real sockets: the force-expire seam, the 410 answers of
 * every run-scoped endpoint, the sweeper the host runs, and a 10 000-run sweep under live load.
 */

const DAY_MS = 86_400_000;
const KEY = "hk_test_retention_sqlite";
const PRODUCTION_KEY = "hk_retention_sqlite_not_a_test_key";
const OTHER_TENANT_KEY = "hk_test_retention_sqlite_other_tenant";
const EXTRA_KEYS = [
  { key: PRODUCTION_KEY, tenant: "default", scopes: [...SCOPES], test: false },
  { key: OTHER_TENANT_KEY, tenant: "tenant-b", scopes: [...SCOPES], test: true },
];
const SEAM = (runId: string): string => `/v1/host/test/expire/${runId}`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDatabase(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "openwop-retention-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, "openwop.db");
}

async function startHost(path: string, options: Omit<SqliteHostOptions, "path"> = {}): Promise<RunningHost> {
  const host = await startSqliteHost({ path, port: 0, apiKey: KEY, extraApiKeys: EXTRA_KEYS, ...options });
  cleanups.push(() => host.close());
  return host;
}

/** The canonical envelope and nothing else (core.md §13.1). */
function expectEnvelope(result: HttpResult, status: number, code: string): { error: string; message: string; details?: Record<string, unknown> } {
  expect(result.status, result.text).toBe(status);
  expect(result.headers.get("content-type")).toMatch(/^application\/json/);
  const body = result.json as { error: string; message: string; details?: Record<string, unknown> };
  expect(Object.keys(body).every((key) => ["error", "message", "details"].includes(key))).toBe(true);
  expect(body.error).toBe(code);
  expect(body.message.length).toBeGreaterThan(0);
  return body;
}

function expectExpired(result: HttpResult, expiredAt: string): void {
  expect(expectEnvelope(result, 410, "run_expired").details).toEqual({ expiredAt });
}

/**
 * Copies of a real run, re-dated: what a host holds after weeks of traffic, without
 * waiting weeks. The copy keeps the engine's own snapshot state and log, with the run id and
 * every timestamp rewritten.
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

async function eventually(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("retention on the sqlite host", () => {
  it("force-expires a finished run, after which every run-scoped endpoint answers 410 run_expired with its expiredAt", async () => {
    const host = await startHost(await tempDatabase(), { settings: { testForceExpire: true } });
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, ["completed"], 10_000);

    const seam = await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY), body: {} });
    expect(seam.status, seam.text).toBe(200);
    const { expiredAt } = seam.json as { runId: string; expiredAt: string };
    expect(seam.json).toEqual({ runId, expiredAt });
    expect(new Date(expiredAt).toISOString()).toBe(expiredAt);

    const read = { headers: bearer(KEY) };
    expectExpired(await request(host.url, `/v1/runs/${runId}`, read), expiredAt);
    expectExpired(await request(host.url, `/v1/runs/${runId}/events/poll`, read), expiredAt);
    // A cursor with a long-poll timeout must not wait on a run that can never grow again.
    expectExpired(await request(host.url, `/v1/runs/${runId}/events/poll?lastSequence=0&timeout=30`, read), expiredAt);
    // SSE: the JSON envelope, before any stream starts — fresh or resumed.
    const sse = await request(host.url, `/v1/runs/${runId}/events`, { headers: { ...bearer(KEY), accept: "text/event-stream" } });
    expectExpired(sse, expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${runId}/events`, { headers: { ...bearer(KEY), accept: "text/event-stream", "last-event-id": "0" } }),
      expiredAt,
    );
    expectExpired(await request(host.url, `/v1/runs/${runId}/debug-bundle`, read), expiredAt);
    expectExpired(await request(host.url, `/v1/runs/${runId}/cancel`, { method: "POST", headers: bearer(KEY), body: {} }), expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${runId}/interrupts/gate`, { method: "POST", headers: bearer(KEY), body: { resumeValue: { action: "accept" } } }),
      expiredAt,
    );
    // With an Idempotency-Key the 410 is a final answer: stored, and replayed as the same envelope.
    const keyed = { method: "POST", headers: { ...bearer(KEY), "idempotency-key": "cancel-expired-1" }, body: { reason: "late" } };
    const first = await request(host.url, `/v1/runs/${runId}/cancel`, keyed);
    expectExpired(first, expiredAt);
    const again = await request(host.url, `/v1/runs/${runId}/cancel`, keyed);
    expectExpired(again, expiredAt);
    expect(again.headers.get("openwop-idempotent-replay")).toBe("true");
    // The seam itself: the run is gone, so it answers like any other run-scoped endpoint.
    expectExpired(await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY) }), expiredAt);

    // Another tenant still sees nothing at all, not even that the run once existed.
    expectEnvelope(await request(host.url, `/v1/runs/${runId}`, { headers: bearer(OTHER_TENANT_KEY) }), 404, "not_found");
    // Host-private: never part of the published protocol surface.
    const openapi = (await request(host.url, "/v1/openapi.json")).json as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).some((path) => path.startsWith("/v1/host/"))).toBe(false);
  });

  it("refuses to expire a run that has not finished, and expires it once it has", async () => {
    const host = await startHost(await tempDatabase(), { settings: { testForceExpire: true } });
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-approval");
    await probe.waitFor(runId, ["waiting-approval"], 10_000);

    const refused = expectEnvelope(await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY) }), 409, "run_not_terminal");
    expect(refused.details).toEqual({ status: "waiting-approval" });
    expect(await probe.status(runId)).toBe("waiting-approval");

    const resolved = await request(host.url, `/v1/runs/${runId}/interrupts/gate`, {
      method: "POST",
      headers: bearer(KEY),
      body: { resumeValue: { action: "accept" } },
    });
    expect(resolved.status, resolved.text).toBe(200);
    await probe.waitFor(runId, ["completed"], 10_000);
    const seam = await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY) });
    expect(seam.status, seam.text).toBe(200);
    expectExpired(
      await request(host.url, `/v1/runs/${runId}/interrupts/gate`, { method: "POST", headers: bearer(KEY), body: { resumeValue: { action: "accept" } } }),
      (seam.json as { expiredAt: string }).expiredAt,
    );
  });

  it("accepts only a test key of the run's own tenant", async () => {
    const host = await startHost(await tempDatabase(), { settings: { testForceExpire: true } });
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, ["completed"], 10_000);

    expectEnvelope(await request(host.url, SEAM(runId), { method: "POST" }), 401, "unauthenticated");
    const forbidden = expectEnvelope(await request(host.url, SEAM(runId), { method: "POST", headers: bearer(PRODUCTION_KEY) }), 403, "forbidden");
    expect(forbidden.details).toEqual({ reason: "test_key_required" });
    expectEnvelope(await request(host.url, SEAM(runId), { method: "POST", headers: bearer(OTHER_TENANT_KEY) }), 404, "not_found");
    expectEnvelope(await request(host.url, SEAM("run-that-never-was"), { method: "POST", headers: bearer(KEY) }), 404, "not_found");
    expect(await probe.status(runId)).toBe("completed");
  });

  it("has no seam unless enabled: its path is an unknown path (404) and the run is untouched", async () => {
    const host = await startHost(await tempDatabase());
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, ["completed"], 10_000);
    expectEnvelope(await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY), body: {} }), 404, "not_found");
    expect(await probe.status(runId)).toBe("completed");
  });

  it("runs the sweeper on the configured interval: runs past the window answer 410, newer ones and old idempotency records behave", async () => {
    const host = await startHost(await tempDatabase(), { settings: { retentionSweepIntervalMs: 25 } });
    const store = host.engine.store;
    const probe = new RunProbe(() => host.url, KEY);
    const template = await probe.create("conformance-noop");
    await probe.waitFor(template, ["completed"], 10_000);
    const copy = await runCopier(store, template);
    const old = "run-finished-a-month-ago";
    const recent = "run-finished-six-days-ago";
    await store.createRun(copy(old, Date.now() - 30 * DAY_MS));
    await store.createRun(copy(recent, Date.now() - 6 * DAY_MS));
    await store.claimIdempotencyKey(
      {
        recordKey: "stale-record",
        tenantId: "default",
        endpoint: "POST /v1/runs",
        requestDigest: "digest",
        state: "pending",
        leaseExpiresAt: 0,
        response: null,
        createdAt: new Date(Date.now() - 2 * DAY_MS).toISOString(),
      },
      Date.now(),
    );
    const created = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(KEY), "idempotency-key": "fresh-create" },
      body: { workflowId: "conformance-noop", inputs: {} },
    });
    expect(created.status, created.text).toBe(201);

    await eventually(async () => (await request(host.url, `/v1/runs/${old}`, { headers: bearer(KEY) })).status === 410, 10_000, "the old run expires");
    const tombstone = await store.getTombstone(old);
    expectExpired(await request(host.url, `/v1/runs/${old}`, { headers: bearer(KEY) }), tombstone?.expiredAt ?? "missing");
    await eventually(async () => (await store.getIdempotencyRecord("stale-record")) === null, 10_000, "the stale record is purged");
    expect(await probe.status(recent)).toBe("completed");
    // The fresh record survives the sweeps: the same key still replays the same run.
    const replay = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(KEY), "idempotency-key": "fresh-create" },
      body: { workflowId: "conformance-noop", inputs: {} },
    });
    expect(replay.headers.get("openwop-idempotent-replay")).toBe("true");
    expect((replay.json as { runId: string }).runId).toBe((created.json as { runId: string }).runId);
  });

  it("sweeps 10 000 expired runs while new runs keep completing, and removes no live run", async () => {
    // The test drives the sweep itself (sweepOnce), so the timer must not get there first.
    const host = await startHost(await tempDatabase(), { settings: { retentionSweepIntervalMs: 3_600_000 } });
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
    // Group commit: the writes of one turn share a transaction, so chunks plant fast.
    for (let from = 0; from < EXPIRED; from += 500) {
      await Promise.all(expired.slice(from, from + 500).map((runId, i) => store.createRun(copyFinished(runId, now - 30 * DAY_MS + from + i))));
    }
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
      await eventually(async () => live.length >= target, 30_000, `${count} more live runs complete`);
    };
    await waitForLive(3);
    const sweepStartedAt = performance.now();
    const result = await host.retention.sweepOnce();
    const sweepEndedAt = performance.now();
    await waitForLive(3);
    streaming = false;
    await Promise.all(clients);

    expect(result).toEqual({ runsExpired: EXPIRED, idempotencyRecordsPurged: 0, complete: true });
    // The sweep yields between batches: live runs finished while it was under way.
    expect(live.filter((run) => run.completedAt > sweepStartedAt && run.completedAt < sweepEndedAt).length).toBeGreaterThan(0);
    for (const runId of expired) {
      expect(await store.getRun(runId)).toBeNull();
      expect((await store.getTombstone(runId))?.tenantId).toBe("default");
    }
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
});
