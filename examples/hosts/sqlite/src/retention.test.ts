import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCOPES } from "@openwop/core";
import type { RunningHost } from "@openwop/server";
import {
  RunProbe,
  bearer,
  eventually,
  expectErrorEnvelope,
  expectExpired,
  expectSweepUnderLoad,
  request,
  runCopier,
} from "@openwop/server/testing";
import { afterEach, describe, expect, it } from "vitest";
import { startSqliteHost, type SqliteHostOptions } from "./index.js";

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

describe("retention on the sqlite host", () => {
  it("force-expires a finished run, after which every run-scoped endpoint answers 410 run_expired with its expiredAt", async () => {
    const host = await startHost(await tempDatabase(), { testForceExpire: true });
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
    const sse = await request(host.url, `/v1/runs/${runId}/events`, {
      headers: { ...bearer(KEY), accept: "text/event-stream" },
    });
    expectExpired(sse, expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${runId}/events`, {
        headers: { ...bearer(KEY), accept: "text/event-stream", "last-event-id": "0" },
      }),
      expiredAt,
    );
    expectExpired(await request(host.url, `/v1/runs/${runId}/debug-bundle`, read), expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${runId}/cancel`, { method: "POST", headers: bearer(KEY), body: {} }),
      expiredAt,
    );
    expectExpired(
      await request(host.url, `/v1/runs/${runId}/interrupts/gate`, {
        method: "POST",
        headers: bearer(KEY),
        body: { resumeValue: { action: "accept" } },
      }),
      expiredAt,
    );
    // With an Idempotency-Key the 410 is a final answer: stored, and replayed as the same envelope.
    const keyed = {
      method: "POST",
      headers: { ...bearer(KEY), "idempotency-key": "cancel-expired-1" },
      body: { reason: "late" },
    };
    const first = await request(host.url, `/v1/runs/${runId}/cancel`, keyed);
    expectExpired(first, expiredAt);
    const again = await request(host.url, `/v1/runs/${runId}/cancel`, keyed);
    expectExpired(again, expiredAt);
    expect(again.headers.get("openwop-idempotent-replay")).toBe("true");
    // The seam itself: the run is gone, so it answers like any other run-scoped endpoint.
    expectExpired(await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY) }), expiredAt);

    // Another tenant still sees nothing at all, not even that the run once existed.
    expectErrorEnvelope(
      await request(host.url, `/v1/runs/${runId}`, { headers: bearer(OTHER_TENANT_KEY) }),
      404,
      "not_found",
    );
    // Host-private: never part of the published protocol surface.
    const openapi = (await request(host.url, "/v1/openapi.json")).json as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).some((path) => path.startsWith("/v1/host/"))).toBe(false);
  });

  it("refuses to expire a run that has not finished, and expires it once it has", async () => {
    const host = await startHost(await tempDatabase(), { testForceExpire: true });
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-approval");
    await probe.waitFor(runId, ["waiting-approval"], 10_000);

    const refused = expectErrorEnvelope(
      await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY) }),
      409,
      "run_not_terminal",
    );
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
      await request(host.url, `/v1/runs/${runId}/interrupts/gate`, {
        method: "POST",
        headers: bearer(KEY),
        body: { resumeValue: { action: "accept" } },
      }),
      (seam.json as { expiredAt: string }).expiredAt,
    );
  });

  it("accepts only a test key of the run's own tenant", async () => {
    const host = await startHost(await tempDatabase(), { testForceExpire: true });
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, ["completed"], 10_000);

    expectErrorEnvelope(await request(host.url, SEAM(runId), { method: "POST" }), 401, "unauthenticated");
    const forbidden = expectErrorEnvelope(
      await request(host.url, SEAM(runId), { method: "POST", headers: bearer(PRODUCTION_KEY) }),
      403,
      "forbidden",
    );
    expect(forbidden.details).toEqual({ reason: "test_key_required" });
    expectErrorEnvelope(
      await request(host.url, SEAM(runId), { method: "POST", headers: bearer(OTHER_TENANT_KEY) }),
      404,
      "not_found",
    );
    expectErrorEnvelope(
      await request(host.url, SEAM("run-that-never-was"), { method: "POST", headers: bearer(KEY) }),
      404,
      "not_found",
    );
    expect(await probe.status(runId)).toBe("completed");
  });

  it("has no seam unless enabled: its path is an unknown path (404) and the run is untouched", async () => {
    const host = await startHost(await tempDatabase());
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, ["completed"], 10_000);
    expectErrorEnvelope(
      await request(host.url, SEAM(runId), { method: "POST", headers: bearer(KEY), body: {} }),
      404,
      "not_found",
    );
    expect(await probe.status(runId)).toBe("completed");
  });

  it("runs the sweeper on the configured interval: runs past the window answer 410, newer ones and old idempotency records behave", async () => {
    const host = await startHost(await tempDatabase(), { retentionSweepIntervalMs: 25 });
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

    await eventually(
      async () => (await request(host.url, `/v1/runs/${old}`, { headers: bearer(KEY) })).status === 410,
      "the old run expires",
      10_000,
    );
    const tombstone = await store.getTombstone(old);
    expectExpired(
      await request(host.url, `/v1/runs/${old}`, { headers: bearer(KEY) }),
      tombstone?.expiredAt ?? "missing",
    );
    await eventually(
      async () => (await store.getIdempotencyRecord("stale-record")) === null,
      "the stale record is purged",
      10_000,
    );
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
    const host = await startHost(await tempDatabase(), { retentionSweepIntervalMs: 3_600_000 });
    // Group commit: writes of one event-loop turn share a transaction, so wide batches plant fast.
    await expectSweepUnderLoad(host, { apiKey: KEY, storageWidth: 500 });
  }, 120_000);
});
