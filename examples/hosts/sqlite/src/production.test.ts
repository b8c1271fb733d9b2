import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningHost } from "@openwop/server";
import { RunProbe, bearer, openSse, request, type SseSession } from "@openwop/server/testing";
import { startSqliteHost, type SqliteHostOptions } from "./index.js";

/** Production seals webhook secrets: every host here has a key unless a test says otherwise. */
const WEBHOOK_SECRET_KEY = randomBytes(32).toString("base64");

/** A SQLite host on a fresh file with the given production settings; closed after each test. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHost(options: Omit<SqliteHostOptions, "path">): Promise<RunningHost> {
  const dir = await mkdtemp(join(tmpdir(), "openwop-production-"));
  const host = await startSqliteHost({
    path: join(dir, "openwop.db"),
    port: 0,
    webhookSecretKey: WEBHOOK_SECRET_KEY,
    ...options,
  });
  cleanups.push(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });
  return host;
}

function expectServiceUnavailable(
  result: { status: number; headers: Headers; json: unknown },
  retryAfter: number,
): void {
  expect(result.status).toBe(503);
  expect(result.headers.get("retry-after")).toBe(String(retryAfter));
  const body = result.json as { error: string; message: string; details: { retryAfter: number } };
  expect(Object.keys(body).sort()).toEqual(["details", "error", "message"]);
  expect(body.error).toBe("service_unavailable");
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.details.retryAfter).toBe(retryAfter);
}

describe("production profile on the sqlite host", () => {
  it("advertises a production block built from its live settings", async () => {
    const host = await startHost({ inflightCap: 37, retryAfterSeconds: 4 });
    const discovery = await request(host.url, "/.well-known/openwop");
    const production = (discovery.json as { production: Record<string, Record<string, unknown>> }).production;
    expect(production["backpressure"]).toEqual({ supported: true, inflightCap: 37, retryAfterSeconds: 4 });
    expect(production["retention"]).toMatchObject({
      supported: true,
      minWindowSeconds: 604_800,
      testForceExpire: false,
    });
  });

  it("does not advertise production when the retention window is below seven days", async () => {
    const host = await startHost({ retentionSeconds: 3_600 });
    const discovery = await request(host.url, "/.well-known/openwop");
    expect((discovery.json as Record<string, unknown>)["production"]).toBeUndefined();
  });

  it("does not advertise production with webhook secrets unsealed, or with private receivers allowed", async () => {
    for (const settings of [{ webhookSecretKey: undefined }, { webhookAllowPrivate: true }]) {
      const host = await startHost(settings);
      const discovery = await request(host.url, "/.well-known/openwop");
      expect((discovery.json as Record<string, unknown>)["production"], JSON.stringify(settings)).toBeUndefined();
    }
  });

  it("refuses the request beyond inflightCap open streams with 503 + Retry-After, keeps discovery and probes up, and recovers", async () => {
    const cap = 5;
    const host = await startHost({ inflightCap: cap, retryAfterSeconds: 3 });
    const probe = new RunProbe(() => host.url, host.apiKey);
    const runId = await probe.create("conformance-delay", { delayMs: 30_000 });
    const streams: SseSession[] = [];
    cleanups.push(async () => {
      for (const stream of streams) stream.close();
    });
    for (let index = 0; index < cap; index += 1) {
      const stream = await openSse(`${host.url}/v1/runs/${runId}/events`, bearer(host.apiKey));
      expect(stream.status, `stream ${index + 1} of ${cap}`).toBe(200);
      streams.push(stream);
    }

    const extraStream = await request(host.url, `/v1/runs/${runId}/events`, { headers: bearer(host.apiKey) });
    expectServiceUnavailable(extraStream, 3);
    const create = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: bearer(host.apiKey),
      body: { workflowId: "conformance-noop" },
    });
    expectServiceUnavailable(create, 3);
    // Refused before authentication: no work, not even a key lookup, is done for it.
    const unauthenticated = await request(host.url, `/v1/runs/${runId}`);
    expect(unauthenticated.status).toBe(503);
    for (const exempt of ["/.well-known/openwop", "/v1/openapi.json", "/healthz", "/readyz"]) {
      expect((await request(host.url, exempt)).status, exempt).toBe(200);
    }

    // Closing one stream frees exactly one slot.
    streams.pop()?.close();
    await expect
      .poll(async () => (await request(host.url, `/v1/runs/${runId}`, { headers: bearer(host.apiKey) })).status, {
        timeout: 5_000,
      })
      .toBe(200);
    await request(host.url, `/v1/runs/${runId}/cancel`, { method: "POST", headers: bearer(host.apiKey), body: {} });
  });

  it("bounds runs waiting to execute: POST /v1/runs gets 503 over the bound, replays still answer, accepted runs all finish", async () => {
    const host = await startHost({ maxPendingRuns: 3, retryAfterSeconds: 2 });
    const probe = new RunProbe(() => host.url, host.apiKey);
    // With the claim loop stopped (as when every worker is busy) new runs wait as pending.
    await host.engine.stop();

    const accepted: string[] = [];
    const firstKey = "pending-bound-0";
    for (let index = 0; index < 3; index += 1) {
      const created = await request(host.url, "/v1/runs", {
        method: "POST",
        headers: { ...bearer(host.apiKey), "idempotency-key": `pending-bound-${index}` },
        body: { workflowId: "conformance-noop" },
      });
      expect(created.status, created.text).toBe(201);
      accepted.push((created.json as { runId: string }).runId);
    }
    const refused = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: bearer(host.apiKey),
      body: { workflowId: "conformance-noop" },
    });
    expectServiceUnavailable(refused, 2);
    const replay = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(host.apiKey), "idempotency-key": firstKey },
      body: { workflowId: "conformance-noop" },
    });
    expect(replay.status).toBe(201);
    expect((replay.json as { runId: string }).runId).toBe(accepted[0]);

    // Nothing accepted was dropped: once work resumes, every accepted run completes.
    host.engine.start();
    for (const runId of accepted) expect(await probe.waitFor(runId, ["completed"], 20_000)).toBe("completed");
    // With the queue drained the bound admits new runs again.
    await expect
      .poll(
        async () =>
          (
            await request(host.url, "/v1/runs", {
              method: "POST",
              headers: bearer(host.apiKey),
              body: { workflowId: "conformance-noop" },
            })
          ).status,
        { timeout: 5_000 },
      )
      .toBe(201);
  });

  it("answers /healthz and /readyz", async () => {
    const host = await startHost({});
    expect((await request(host.url, "/healthz")).json).toEqual({ status: "ok" });
    const ready = await request(host.url, "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({
      status: "ready",
      checks: { storage: "ok", claimLoop: "ok" },
      admission: { pendingRuns: 0, maxPendingRuns: 10_000 },
    });
    await host.engine.stop();
    const notReady = await request(host.url, "/readyz");
    expect(notReady.status).toBe(503);
    expect((notReady.json as { details: { checks: unknown } }).details.checks).toEqual({
      storage: "ok",
      claimLoop: "failing",
    });
  });
});
