import { createMemoryAdapter } from "@openwop/storage-memory";
import { afterEach, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "./host.js";
import { resolveHostSettings, type HostSettings } from "./settings/host-settings.js";
import { expectErrorEnvelope } from "./testing/error-envelope.js";
import { bearer, request } from "./testing/http.js";
import { LogCapture } from "./testing/log-capture.js";
import { startOidcIssuer, type OidcIssuer } from "./testing/oidc-issuer.js";

const implementation = { name: "keys-test", version: "0.0.0" };
const KEY = "hk_test_keys_suite";

let host: RunningHost | undefined;
let issuer: OidcIssuer | undefined;

afterEach(async () => {
  await host?.close();
  await issuer?.close();
  host = undefined;
  issuer = undefined;
});

async function start(settings: Partial<HostSettings>, logs?: LogCapture): Promise<RunningHost> {
  host = await startOpenWopHost({
    adapter: createMemoryAdapter(),
    implementation,
    settings: resolveHostSettings({ apiKey: KEY, ...settings }),
    ...(logs ? { app: { logger: logs.logger } } : {}),
  });
  return host;
}

describe("per-key rate limit", () => {
  it("answers 429 rate_limited past the burst, per key, with Retry-After and the details of auth.md §7", async () => {
    const running = await start({ rateLimitPerKey: 2, rateLimitBurst: 3 });
    const discovery = (await request(running.url, "/.well-known/openwop")).json as Record<string, unknown>;
    expect(discovery["rateLimit"]).toEqual({ supported: true, scope: "key", requestsPerSecond: 2, burst: 3 });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await request(running.url, "/v1/keys/self", { headers: bearer(KEY) }));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    const limited = answers[3] as (typeof answers)[number];
    const envelope = expectErrorEnvelope(limited, 429, "rate_limited");
    expect(envelope.details).toMatchObject({ scope: "key", limit: 2, retryAfterMs: expect.any(Number) });
    expect(Number(limited.headers.get("retry-after"))).toBe(envelope.details?.["retryAfter"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another key has its own bucket; discovery and health are never limited.
    const other = (await request(running.url, "/v1/keys", {
      method: "POST",
      headers: bearer(KEY),
      body: { scopes: ["runs:read"] },
    })) as { status: number; json: unknown };
    expect([201, 429]).toContain(other.status);
    for (let i = 0; i < 10; i += 1) {
      expect((await request(running.url, "/.well-known/openwop")).status).toBe(200);
      expect((await request(running.url, "/healthz")).status).toBe(200);
    }
  });

  it("never refuses the retry of a request it already accepted", async () => {
    const running = await start({ rateLimitPerKey: 1, rateLimitBurst: 1 });
    const body = { workflowId: "conformance-noop" };
    const headers = { ...bearer(KEY), "idempotency-key": "retry-under-limit" };
    const first = await request(running.url, "/v1/runs", { method: "POST", headers, body });
    expect(first.status).toBe(201);
    expectErrorEnvelope(await request(running.url, "/v1/keys/self", { headers: bearer(KEY) }), 429, "rate_limited");
    const retry = await request(running.url, "/v1/runs", { method: "POST", headers, body });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("openwop-idempotent-replay")).toBe("true");
    expect((retry.json as { runId: string }).runId).toBe((first.json as { runId: string }).runId);
  });
});

describe("tokens from an identity provider", () => {
  it("accepts the issuer's JWTs with their tenant and scopes, and refuses bad ones with 401", async () => {
    issuer = await startOidcIssuer();
    const running = await start({ oidcIssuer: issuer.issuer, oidcAudience: issuer.audience, oidcTenantClaim: "org" });
    const discovery = (await request(running.url, "/.well-known/openwop")).json as { auth: Record<string, unknown> };
    expect(discovery.auth["oidc"]).toEqual({ issuer: issuer.issuer, audience: issuer.audience });

    const good = await issuer.sign({ sub: "svc-1", org: "tenant-jwt", scope: "runs:create runs:read" });
    const created = await request(running.url, "/v1/runs", {
      method: "POST",
      headers: bearer(good),
      body: { workflowId: "conformance-noop" },
    });
    expect(created.status, created.text).toBe(201);
    const runId = (created.json as { runId: string }).runId;
    expect((await request(running.url, `/v1/runs/${runId}`, { headers: bearer(good) })).status).toBe(200);
    // The token's tenant is not the bootstrap key's.
    expectErrorEnvelope(await request(running.url, `/v1/runs/${runId}`, { headers: bearer(KEY) }), 404);
    // Scopes come from the token: it lacks runs:cancel.
    expectErrorEnvelope(
      await request(running.url, `/v1/runs/${runId}/cancel`, { method: "POST", headers: bearer(good) }),
      403,
      "forbidden",
    );
    // A token is not one of the host's keys.
    expectErrorEnvelope(await request(running.url, "/v1/keys/self", { headers: bearer(good) }), 404, "not_found");

    const refused = [
      await issuer.sign({ org: "tenant-jwt", scope: "runs:read" }, { expiresIn: -60 }),
      await issuer.sign({ org: "tenant-jwt", scope: "runs:read" }, { notBefore: 300 }),
      await issuer.sign({ org: "tenant-jwt", scope: "runs:read" }, { issuer: "http://127.0.0.1:1/elsewhere" }),
      await issuer.sign({ org: "tenant-jwt", scope: "runs:read" }, { audience: "someone-else" }),
      await issuer.sign({ org: "tenant-jwt", scope: "runs:read" }, { key: "unpublished" }),
      await issuer.sign({ org: "tenant-jwt", scope: "runs:read" }, { alg: "none" }),
      await issuer.sign({ scope: "runs:read" }),
    ];
    for (const token of refused) {
      const answer = await request(running.url, `/v1/runs/${runId}`, { headers: bearer(token) });
      expectErrorEnvelope(answer, 401, "unauthenticated");
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }

    // After the issuer rotates its keys, a token signed with the new key is accepted.
    await issuer.rotateKeys();
    // The host refetches keys for an unknown key id at most once a second; one was just fetched.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fresh = await issuer.sign({ org: "tenant-jwt", scp: ["runs:read"] });
    expect((await request(running.url, `/v1/runs/${runId}`, { headers: bearer(fresh) })).status).toBe(200);
  });
});

describe("authentication failures an operator can see", () => {
  it("counts failures by reason in /metrics and logs one line each, never with the key", async () => {
    const logs = new LogCapture("warn");
    const running = await start({}, logs);
    await request(running.url, "/v1/runs/x");
    await request(running.url, "/v1/runs/x", { headers: { authorization: "Token abc" } });
    await request(running.url, "/v1/runs/x", { headers: bearer("hk_live_notARealKeyAtAll00000000000000") });
    const metrics = (await request(running.url, "/metrics")).text;
    for (const reason of ["missing", "malformed", "unknown"]) {
      expect(metrics).toMatch(new RegExp(`openwop_auth_failures_total\\{reason="${reason}"\\} 1`));
    }
    const lines = logs.records().filter((record) => record["event"] === "auth.failure");
    expect(lines.map((line) => line["reason"])).toEqual(["missing", "malformed", "unknown"]);
    expect(lines[2]).toMatchObject({ route: "GET /v1/runs/{runId}", keyPrefix: "hk_live_notARe" });
    expect(lines.every((line) => typeof line["correlationId"] === "string")).toBe(true);
    expect(JSON.stringify(logs.records())).not.toContain("hk_live_notARealKeyAtAll00000000000000");
  });

  it("keeps a flood of failures to a bounded number of log lines", async () => {
    const logs = new LogCapture("warn");
    const running = await start({}, logs);
    await Promise.all(Array.from({ length: 200 }, () => request(running.url, "/v1/runs/x")));
    // Let a new second begin, so the count of what was held back is written.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await request(running.url, "/v1/runs/x");
    const lines = logs
      .records()
      .filter((r) => r["event"] === "auth.failure" || r["event"] === "auth.failures_suppressed");
    expect(lines.length).toBeLessThan(100);
    const suppressed = logs.withEvent("auth.failures_suppressed").reduce((sum, r) => sum + (r["count"] as number), 0);
    const logged = logs.withEvent("auth.failure").length;
    expect(logged + suppressed).toBe(201);
  });

  it.each([
    ["an extended year", "+010000-01-01T00:00:00.000Z"],
    ["year 0000", "0000-06-01T00:00:00Z"],
    ["31 February", "2026-02-31T00:00:00Z"],
    ["no time", "2026-12-01"],
  ])("refuses a since of %s with a 400 naming it, logged under its own route", async (_, since) => {
    const logs = new LogCapture("info");
    const running = await start({}, logs);
    const answer = await request(running.url, `/v1/keys/failures?since=${encodeURIComponent(since)}`, {
      headers: bearer(KEY),
    });
    expectErrorEnvelope(answer, 400, "validation_error");
    expect((answer.json as { details?: unknown }).details).toEqual({ field: "since" });
    const line = logs.records().find((record) => record["event"] === "http.request" && record["status"] === 400);
    expect(line?.["route"]).toBe("/v1/keys/failures");
  });

  it("refuses an expiresAt that names no real instant", async () => {
    const running = await start({});
    const answer = await request(running.url, "/v1/keys", {
      method: "POST",
      headers: bearer(KEY),
      body: { scopes: ["runs:read"], expiresAt: "9999-02-30T00:00:00Z" },
    });
    expectErrorEnvelope(answer, 400, "validation_error");
    expect((answer.json as { details?: unknown }).details).toMatchObject({ field: "expiresAt" });
  });

  it("shows per-tenant key gauges: keys expiring within 7 days, last rotation and revocation", async () => {
    const running = await start({});
    const issue = async (body: Record<string, unknown>) =>
      (await request(running.url, "/v1/keys", { method: "POST", headers: bearer(KEY), body })).json as {
        keyId: string;
      };
    await issue({ scopes: ["runs:read"], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const rotated = await issue({ scopes: ["runs:read"] });
    await request(running.url, `/v1/keys/${rotated.keyId}/rotate`, { method: "POST", headers: bearer(KEY) });
    const revoked = await issue({ scopes: ["runs:read"] });
    await request(running.url, `/v1/keys/${revoked.keyId}`, { method: "DELETE", headers: bearer(KEY) });
    const metrics = (await request(running.url, "/metrics")).text;
    // The one key expiring tomorrow, and the rotated key whose grace (1 day by default) ends within the week.
    expect(metrics).toMatch(/openwop_keys_expiring_soon\{tenant="default"\} 2/);
    expect(metrics).toMatch(/openwop_keys_last_rotation_timestamp_seconds\{tenant="default"\} \d+/);
    expect(metrics).toMatch(/openwop_keys_last_revocation_timestamp_seconds\{tenant="default"\} \d+/);
  });
});
