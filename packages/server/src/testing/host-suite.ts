import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "@openwop/storage/testing";
import { bearer, request, type HttpResult } from "./http.js";
import { expectErrorEnvelope } from "./error-envelope.js";
import { collectUntilClosed, openSse } from "./sse.js";
import { DIAMOND_WORKFLOW } from "./workflows.js";
import { MALFORMED_REQUESTS } from "./malformed-requests.js";
import { RunProbe, type ProbedEvent } from "./run-probe.js";
import type { HostSettings } from "../settings/host-settings.js";
import { describeWebhookSuite, WEBHOOK_SUITE_SETTINGS } from "./host-suite-webhooks.js";
import { describePauseSuite } from "./host-suite-pause.js";
import { describeExpressionSuite, EXPRESSION_SUITE_WORKFLOWS } from "./host-suite-expressions.js";
import { describeNodeTypeSuite, NODE_TYPE_SUITE_WORKFLOWS } from "./host-suite-node-types.js";

/**
 * How a suite starts the host under test: keys and a workflows directory to honour, and
 * webhook settings that let it deliver to loopback receivers quickly (host settings all).
 */
export interface HostLaunch extends WebhookSuiteSettings {
  apiKey: string;
  extraApiKeys: Array<{ key: string; tenant: string; scopes: string[] }>;
  workflowsDir: string;
}

type WebhookSuiteSettings = Pick<HostSettings, keyof typeof WEBHOOK_SUITE_SETTINGS>;

export interface LaunchedHost {
  url: string;
  close(): Promise<void>;
}

type RunEventLike = ProbedEvent;

const ALL_SCOPES = [
  "manifest:read",
  "runs:create",
  "runs:read",
  "runs:cancel",
  "approvals:respond",
  "keys:manage",
  "webhooks:manage",
];
const TERMINAL = ["completed", "failed", "cancelled"];

/**
 * The core-standard behaviour of an OpenWOP host, over real sockets: discovery, auth,
 * runs, the event log, SSE and poll, idempotency, cancellation, interrupts, limits and
 * malformed input. Every example host runs this one suite.
 */
export function describeHostSuite(name: string, launch: (options: HostLaunch) => Promise<LaunchedHost>): void {
  describe(`${name}: core-standard HTTP surface`, () => {
    const apiKey = `hk_test_suite_${Math.random().toString(36).slice(2)}`;
    const readOnlyKey = `hk_test_readonly_${Math.random().toString(36).slice(2)}`;
    const otherTenantKey = `hk_test_other_${Math.random().toString(36).slice(2)}`;
    let host: LaunchedHost;
    let workflowsDir: string;
    const auth = (): Record<string, string> => bearer(apiKey);
    const call = (path: string, options: Parameters<typeof request>[2] = {}): Promise<HttpResult> =>
      request(host.url, path, { ...options, headers: { ...auth(), ...options.headers } });

    beforeAll(async () => {
      workflowsDir = await mkdtemp(join(tmpdir(), "openwop-workflows-"));
      await writeFile(join(workflowsDir, "diamond.json"), JSON.stringify(DIAMOND_WORKFLOW));
      for (const workflow of [...EXPRESSION_SUITE_WORKFLOWS, ...NODE_TYPE_SUITE_WORKFLOWS])
        await writeFile(join(workflowsDir, `${workflow.id}.json`), JSON.stringify(workflow));
      host = await launch({
        apiKey,
        extraApiKeys: [
          { key: readOnlyKey, tenant: "default", scopes: ["runs:read"] },
          { key: otherTenantKey, tenant: "tenant-b", scopes: ALL_SCOPES },
        ],
        workflowsDir,
        ...WEBHOOK_SUITE_SETTINGS,
      });
    });

    afterAll(async () => {
      await host?.close();
      await rm(workflowsDir, { recursive: true, force: true });
    });

    const probe = new RunProbe(() => host.url, apiKey);
    const createRun = (
      workflowId: string,
      inputs: Record<string, unknown> = {},
      extra: Record<string, unknown> = {},
    ): Promise<string> => probe.create(workflowId, inputs, extra);
    const snapshot = (runId: string): Promise<Record<string, unknown>> => probe.snapshot(runId);
    const waitForStatus = (runId: string, statuses: string[], timeoutMs = 10_000): Promise<Record<string, unknown>> =>
      probe.waitForSnapshot(runId, statuses, timeoutMs);
    const events = (runId: string): Promise<RunEventLike[]> => probe.events(runId);

    describe("discovery", () => {
      it("serves the root-level document without auth, cacheable, with an ETag honoured by 304", async () => {
        const first = await request(host.url, "/.well-known/openwop");
        expect(first.status).toBe(200);
        const doc = first.json as Record<string, unknown>;
        expect(doc["protocolVersion"]).toMatch(/^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/);
        expect(Array.isArray(doc["supportedEnvelopes"])).toBe(true);
        expect(doc["limits"]).toMatchObject({ clarificationRounds: 3, schemaRounds: 2, envelopesPerTurn: 5 });
        expect(doc["fixtures"]).toEqual(
          expect.arrayContaining(["conformance-noop", "conformance-cap-breach", "conformance-capability-missing"]),
        );
        expect(first.headers.get("cache-control")).toMatch(/max-age/);
        const etag = first.headers.get("etag");
        expect(etag).toBeTruthy();
        const second = await request(host.url, "/.well-known/openwop", {
          headers: { "if-none-match": etag as string },
        });
        expect(second.status).toBe(304);
      });

      it("serves an OpenAPI 3.1 document of the routes without auth", async () => {
        const result = await request(host.url, "/v1/openapi.json");
        expect(result.status).toBe(200);
        const doc = result.json as { openapi: string; paths: Record<string, unknown> };
        expect(doc.openapi).toMatch(/^3\.1/);
        expect(Object.keys(doc.paths)).toEqual(
          expect.arrayContaining(["/v1/runs", "/v1/runs/{runId}/events", "/v1/runs/{runId}/interrupts/{nodeId}"]),
        );
      });

      it("serves a seeded fixture definition", async () => {
        const result = await call("/v1/workflows/conformance-multi-node");
        expect(result.status).toBe(200);
        expect((result.json as { edges: unknown[] }).edges).toHaveLength(2);
      });
    });

    describe("auth", () => {
      it("answers 401 unauthenticated for a missing or unknown key", async () => {
        expectErrorEnvelope(await request(host.url, "/v1/runs/x"), 401, "unauthenticated");
        expectErrorEnvelope(
          await request(host.url, "/v1/runs/x", { headers: bearer("hk_definitely_not_a_real_key_12345") }),
          401,
          "unauthenticated",
        );
      });

      it("answers 403 forbidden naming the scope a key lacks", async () => {
        const result = await request(host.url, "/v1/runs", {
          method: "POST",
          headers: bearer(readOnlyKey),
          body: { workflowId: "conformance-noop" },
        });
        expectErrorEnvelope(result, 403, "forbidden");
        expect((result.json as { details: Record<string, unknown> }).details["requiredScope"]).toBe("runs:create");
      });

      it("hides another tenant's run behind 404 on every run route", async () => {
        const runId = await createRun("conformance-approval");
        await waitForStatus(runId, ["waiting-approval"]);
        const other = bearer(otherTenantKey);
        expectErrorEnvelope(await request(host.url, `/v1/runs/${runId}`, { headers: other }), 404);
        expectErrorEnvelope(await request(host.url, `/v1/runs/${runId}/events/poll`, { headers: other }), 404);
        expectErrorEnvelope(await request(host.url, `/v1/runs/${runId}/events`, { headers: other }), 404);
        expectErrorEnvelope(await request(host.url, `/v1/runs/${runId}/debug-bundle`, { headers: other }), 404);
        expectErrorEnvelope(
          await request(host.url, `/v1/runs/${runId}/cancel`, { method: "POST", headers: other }),
          404,
        );
        expectErrorEnvelope(
          await request(host.url, `/v1/runs/${runId}/interrupts/gate`, {
            method: "POST",
            headers: other,
            body: { resumeValue: { action: "accept" } },
          }),
          404,
        );
        expect((await snapshot(runId))["status"]).toBe("waiting-approval");
      });
    });

    describe("keys", () => {
      interface Issued {
        keyId: string;
        key: string;
        prefix: string;
        scopes: string[];
        kind: string;
        replaces?: string;
        graceUntil?: string;
      }
      const issue = async (body: Record<string, unknown>, as = apiKey): Promise<Issued> => {
        const result = await request(host.url, "/v1/keys", { method: "POST", headers: bearer(as), body });
        expect(result.status, result.text).toBe(201);
        expect(result.headers.get("cache-control")).toBe("no-store");
        return result.json as Issued;
      };
      const self = (key: string): Promise<HttpResult> => request(host.url, "/v1/keys/self", { headers: bearer(key) });

      it("issues a key whose secret is shown once: listing and reading show metadata only", async () => {
        const issued = await issue({ scopes: ["runs:read", "runs:create"], label: "suite" });
        expect(issued.key).toMatch(/^hk_test_/);
        expect(issued.key.startsWith(issued.prefix)).toBe(true);
        expect((await self(issued.key)).json).toMatchObject({
          keyId: issued.keyId,
          scopes: ["runs:read", "runs:create"],
        });
        const listed = await call("/v1/keys?limit=100");
        expect(listed.status).toBe(200);
        const page = listed.json as { keys: Array<{ keyId: string; status: string }>; nextCursor: string | null };
        expect(page.keys.find((k) => k.keyId === issued.keyId)).toMatchObject({ status: "active", label: "suite" });
        const read = await call(`/v1/keys/${issued.keyId}`);
        expect(read.json).toMatchObject({ keyId: issued.keyId, tenant: "default", origin: "api", kind: "test" });
        for (const text of [listed.text, read.text]) {
          expect(text).not.toContain(issued.key);
          expect(text).not.toMatch(/[0-9a-f]{64}/);
        }
      });

      it("pages the list newest first with an opaque cursor, and refuses a forged one", async () => {
        await issue({ scopes: ["runs:read"] });
        await issue({ scopes: ["runs:read"] });
        const first = (await call("/v1/keys?limit=1")).json as {
          keys: Array<{ keyId: string; createdAt: string }>;
          nextCursor: string;
        };
        expect(first.keys).toHaveLength(1);
        expect(first.nextCursor).toEqual(expect.any(String));
        const second = (await call(`/v1/keys?limit=1&cursor=${first.nextCursor}`)).json as {
          keys: Array<{ keyId: string; createdAt: string }>;
        };
        expect(second.keys[0]?.keyId).not.toBe(first.keys[0]?.keyId);
        expect(Date.parse(second.keys[0]?.createdAt ?? "")).toBeLessThanOrEqual(
          Date.parse(first.keys[0]?.createdAt ?? ""),
        );
        expectErrorEnvelope(await call("/v1/keys?cursor=not-a-cursor"), 400, "validation_error");
      });

      it("never grants more than the issuer holds, nor a test key to a live issuer", async () => {
        const limited = await issue({ scopes: ["runs:read", "keys:manage"], kind: "live" });
        const escalation = await request(host.url, "/v1/keys", {
          method: "POST",
          headers: bearer(limited.key),
          body: { scopes: ["runs:create"] },
        });
        const refusal = expectErrorEnvelope(escalation, 403, "forbidden");
        expect(refusal.details).toMatchObject({ reason: "scope_escalation", scopes: ["runs:create"] });
        const testFromLive = await request(host.url, "/v1/keys", {
          method: "POST",
          headers: bearer(limited.key),
          body: { scopes: ["runs:read"], kind: "test" },
        });
        expect(expectErrorEnvelope(testFromLive, 403, "forbidden").details).toMatchObject({
          reason: "test_key_required",
        });
        expectErrorEnvelope(
          await call("/v1/keys", { method: "POST", body: { scopes: ["runs:fly"] } }),
          400,
          "validation_error",
        );
      });

      it("answers GET /v1/keys/self for any valid key, and 403 on the management routes without keys:manage", async () => {
        const reader = await issue({ scopes: ["runs:read"] });
        expect((await self(reader.key)).json).toMatchObject({
          keyId: reader.keyId,
          scopes: ["runs:read"],
          status: "active",
        });
        const listed = await request(host.url, "/v1/keys", { headers: bearer(reader.key) });
        expect(expectErrorEnvelope(listed, 403, "forbidden").details).toMatchObject({ requiredScope: "keys:manage" });
      });

      it("rotates with an overlap: both keys work, then the old one is key_expired", async () => {
        const original = await issue({ scopes: ["runs:read"] });
        const rotated = await call(`/v1/keys/${original.keyId}/rotate`, { method: "POST", body: { graceSeconds: 1 } });
        expect(rotated.status, rotated.text).toBe(201);
        const successor = rotated.json as Issued;
        expect(successor).toMatchObject({ replaces: original.keyId, scopes: ["runs:read"] });
        expect(successor.key).not.toBe(original.key);
        expect((await self(successor.key)).status).toBe(200);
        expect((await self(original.key)).status).toBe(200);
        // Rotations do not chain: a key in its grace period is already rotated.
        const inGrace = await call(`/v1/keys/${original.keyId}/rotate`, { method: "POST" });
        expect(expectErrorEnvelope(inGrace, 409, "key_not_active").details).toMatchObject({ reason: "rotated" });
        await eventually(async () => (await self(original.key)).status === 401, "the end of the grace period", 5_000);
        const expired = await self(original.key);
        expectErrorEnvelope(expired, 401, "key_expired");
        expect(expired.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect((await self(successor.key)).status).toBe(200);
        // Past its grace the key's status, and so the refusal's reason, is expired.
        const afterGrace = await call(`/v1/keys/${original.keyId}/rotate`, { method: "POST" });
        expect(expectErrorEnvelope(afterGrace, 409, "key_not_active").details).toMatchObject({ reason: "expired" });
        expect((await call(`/v1/keys/${original.keyId}`)).json).toMatchObject({
          replacedBy: successor.keyId,
          status: "expired",
        });
        expectErrorEnvelope(
          await call(`/v1/keys/${successor.keyId}/rotate`, { method: "POST", body: { graceSeconds: 99_999_999 } }),
          400,
          "validation_error",
        );
      });

      it("revokes a key at once; revoking again is still 204", async () => {
        const doomed = await issue({ scopes: ["runs:read"] });
        expect((await self(doomed.key)).status).toBe(200);
        expect((await call(`/v1/keys/${doomed.keyId}`, { method: "DELETE" })).status).toBe(204);
        const refused = await self(doomed.key);
        expectErrorEnvelope(refused, 401, "key_revoked");
        expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect((await call(`/v1/keys/${doomed.keyId}`, { method: "DELETE" })).status).toBe(204);
        expect((await call(`/v1/keys/${doomed.keyId}`)).json).toMatchObject({ status: "revoked" });
      });

      it("refuses a key after its expiry", async () => {
        const brief = await issue({ scopes: ["runs:read"], expiresAt: new Date(Date.now() + 1_000).toISOString() });
        expect((await self(brief.key)).status).toBe(200);
        await eventually(async () => (await self(brief.key)).status === 401, "the key's expiry", 5_000);
        expectErrorEnvelope(await self(brief.key), 401, "key_expired");
        expectErrorEnvelope(
          await call("/v1/keys", {
            method: "POST",
            body: { scopes: ["runs:read"], expiresAt: "2001-01-01T00:00:00Z" },
          }),
          400,
          "validation_error",
        );
      });

      it("keeps keys within their tenant: another tenant's key id is 404 and keeps working", async () => {
        const mine = await issue({ scopes: ["runs:read"] });
        const other = bearer(otherTenantKey);
        for (const [method, path] of [
          ["GET", `/v1/keys/${mine.keyId}`],
          ["POST", `/v1/keys/${mine.keyId}/rotate`],
          ["DELETE", `/v1/keys/${mine.keyId}`],
        ] as const) {
          expectErrorEnvelope(await request(host.url, path, { method, headers: other }), 404, "not_found");
        }
        expect((await self(mine.key)).status).toBe(200);
        const theirs = (await request(host.url, "/v1/keys?limit=100", { headers: other })).json as {
          keys: Array<{ keyId: string; tenant: string }>;
        };
        expect(theirs.keys.every((key) => key.tenant === "tenant-b")).toBe(true);
      });

      it("says how to authenticate on every 401", async () => {
        for (const headers of [{}, { authorization: "Basic abc" }, bearer("hk_definitely_not_a_real_key_12345")]) {
          const result = await request(host.url, "/v1/runs/x", { headers });
          expectErrorEnvelope(result, 401, "unauthenticated");
          expect(result.headers.get("www-authenticate")).toMatch(/^Bearer/);
        }
      });

      it("refuses a body naming another tenant with 403, and accepts one naming its own", async () => {
        const result = await call("/v1/runs", {
          method: "POST",
          body: { workflowId: "conformance-noop", tenantId: "tenant-b" },
        });
        expect(expectErrorEnvelope(result, 403, "forbidden").details).toMatchObject({ field: "tenantId" });
        const same = await call("/v1/runs", {
          method: "POST",
          body: { workflowId: "conformance-noop", tenantId: "default" },
        });
        expect(same.status, same.text).toBe(201);
      });

      it("summarises the tenant's failures by reason, key prefix and route, and records key use", async () => {
        const doomed = await issue({ scopes: ["runs:read"] });
        await self(doomed.key);
        expect((await call(`/v1/keys/${doomed.keyId}`, { method: "DELETE" })).status).toBe(204);
        for (let i = 0; i < 3; i += 1) await request(host.url, "/v1/runs/r1", { headers: bearer(doomed.key) });
        await request(host.url, "/v1/runs", {
          method: "POST",
          headers: bearer(readOnlyKey),
          body: { workflowId: "conformance-noop" },
        });
        const summary = (await call("/v1/keys/failures")).json as {
          failures: Array<{ reason: string; keyPrefix: string | null; route: string; count: number }>;
        };
        expect(summary.failures).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              reason: "revoked",
              keyPrefix: doomed.prefix,
              route: "GET /v1/runs/{runId}",
              count: 3,
            }),
            expect.objectContaining({ reason: "insufficient_scope", route: "POST /v1/runs" }),
          ]),
        );
        expect(summary.failures.every((f) => !JSON.stringify(f).includes(doomed.key))).toBe(true);
        const theirs = (await request(host.url, "/v1/keys/failures", { headers: bearer(otherTenantKey) })).json as {
          failures: Array<{ keyPrefix: string | null }>;
        };
        expect(theirs.failures.some((f) => f.keyPrefix === doomed.prefix)).toBe(false);
        await eventually(
          async () =>
            ((await call(`/v1/keys/${doomed.keyId}`)).json as { lastUsedAt: string | null }).lastUsedAt !== null,
          "the key's last use to be recorded",
          15_000,
        );
      });
    });

    describe("runs and the event log", () => {
      it("completes a noop run with a well-formed log", async () => {
        const runId = await createRun("conformance-noop");
        const done = await waitForStatus(runId, TERMINAL);
        expect(done["status"]).toBe("completed");
        const log = await probe.expectIntactLog(runId);
        expect(log.filter((e) => e.type !== "node.started").map((e) => e.type)).toEqual([
          "run.started",
          "node.completed",
          "run.completed",
        ]);
        expect(await events(runId)).toEqual(log);
      });

      it("round-trips identity inputs into the snapshot variables", async () => {
        const payload = { nested: { list: [1, "two", null], flag: true } };
        const runId = await createRun("conformance-identity", { payload });
        const done = await waitForStatus(runId, TERMINAL);
        expect(done["status"]).toBe("completed");
        expect((done["variables"] as Record<string, unknown>)["payload"]).toEqual(payload);
      });

      it("shows a delay run running, then completed", async () => {
        const runId = await createRun("conformance-delay", { delayMs: 600 });
        expect((await waitForStatus(runId, ["running"]))["status"]).toBe("running");
        expect((await waitForStatus(runId, TERMINAL))["status"]).toBe("completed");
      });

      it("runs a chain in edge order and a diamond with both branches before the join, the join once", async () => {
        const chain = await createRun("conformance-multi-node");
        await waitForStatus(chain, TERMINAL);
        expect(
          (await events(chain)).filter((e) => e.type === "node.completed").map((e) => e.payload["nodeId"]),
        ).toEqual(["a", "b", "c"]);

        const diamond = await createRun(DIAMOND_WORKFLOW.id);
        expect((await waitForStatus(diamond, TERMINAL))["status"]).toBe("completed");
        const completed = (await events(diamond))
          .filter((e) => e.type === "node.completed")
          .map((e) => e.payload["nodeId"] as string);
        expect(completed.filter((id) => id === "d")).toHaveLength(1);
        expect(completed[0]).toBe("a");
        expect(completed.indexOf("d")).toBeGreaterThan(completed.indexOf("b"));
        expect(completed.indexOf("d")).toBeGreaterThan(completed.indexOf("c"));
      });

      it("fails a failing run with node.failed then run.failed and a snapshot error", async () => {
        const runId = await createRun("conformance-failure");
        const done = await waitForStatus(runId, TERMINAL);
        expect(done["status"]).toBe("failed");
        expect(done["error"]).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        const types = (await events(runId)).map((e) => e.type);
        expect(types.indexOf("node.failed")).toBeLessThan(types.indexOf("run.failed"));
      });

      it("breaches the node-execution cap with cap.breached before run.failed", async () => {
        const runId = await createRun("conformance-cap-breach", {}, { configurable: { recursionLimit: 5 } });
        const done = await waitForStatus(runId, TERMINAL);
        expect(done["error"]).toMatchObject({ code: "recursion_limit_exceeded" });
        const log = await probe.expectIntactLog(runId);
        expect(log.filter((e) => e.type === "node.started")).toHaveLength(5);
        const breach = log.find((e) => e.type === "cap.breached");
        expect(breach?.payload).toMatchObject({ kind: "node-executions", limit: 5, observed: 6 });
        expect(log.indexOf(breach as RunEventLike)).toBeLessThan(log.length - 1);
      });

      it("refuses to run a node whose runtime capability is missing", async () => {
        const runId = await createRun("conformance-capability-missing");
        const done = await waitForStatus(runId, TERMINAL);
        expect(done["error"]).toMatchObject({ code: "capability_not_provided" });
        expect((done["error"] as { message: string }).message).toContain("conformance.never-provided");
        const types = (await events(runId)).map((e) => e.type);
        expect(types.slice(-2)).toEqual(["node.failed", "run.failed"]);
      });
    });

    describe("SSE", () => {
      it("frames events with id = sequence, event = type, and closes after the terminal event", async () => {
        const runId = await createRun("conformance-noop");
        const session = await openSse(`${host.url}/v1/runs/${runId}/events`, auth());
        expect(session.status).toBe(200);
        expect(session.headers.get("content-type")).toMatch(/text\/event-stream/);
        const frames = await collectUntilClosed(session, 10_000);
        for (const frame of frames) {
          const data = JSON.parse(frame.data) as RunEventLike;
          expect(Number(frame.id)).toBe(data.sequence);
          expect(frame.event).toBe(data.type);
        }
        expect(frames.at(-1)?.event).toBe("run.completed");
        expect(frames.map((f) => f.event)).not.toContain("node.started");
      });

      it("resumes after Last-Event-ID mid-run with no gap and no older events", async () => {
        const runId = await createRun("conformance-delay", { delayMs: 800 });
        const first = await openSse(`${host.url}/v1/runs/${runId}/events?streamMode=debug`, auth());
        const seen: number[] = [];
        for await (const frame of first.frames) {
          seen.push(Number(frame.id));
          if (frame.event === "node.started") break;
        }
        first.close();
        const lastSeen = seen.at(-1) as number;
        const resumed = await openSse(`${host.url}/v1/runs/${runId}/events?streamMode=debug`, {
          ...auth(),
          "last-event-id": String(lastSeen),
        });
        const rest = (await collectUntilClosed(resumed, 10_000)).map((f) => Number(f.id));
        expect(rest[0]).toBe(lastSeen + 1);
        expect([...seen, ...rest]).toEqual([...seen, ...rest].map((_, i) => i));
        const log = await events(runId);
        expect(log.at(-1)?.sequence).toBe(rest.at(-1));
        const atEnd = await openSse(`${host.url}/v1/runs/${runId}/events?streamMode=debug`, {
          ...auth(),
          "last-event-id": String(rest.at(-1)),
        });
        expect(atEnd.status).toBe(200);
        expect(await collectUntilClosed(atEnd, 2_000)).toEqual([]);
      });

      it("honours each stream mode and rejects unknown ones", async () => {
        const runId = await createRun("conformance-multi-node");
        await waitForStatus(runId, TERMINAL);
        const framesOf = async (mode: string): Promise<string[]> =>
          (
            await collectUntilClosed(
              await openSse(`${host.url}/v1/runs/${runId}/events?streamMode=${mode}`, auth()),
              10_000,
            )
          ).map((f) => f.event ?? "");
        const updates = await framesOf("updates");
        const debug = await framesOf("debug");
        const values = await framesOf("values");
        const messages = await framesOf("messages");
        expect(updates).toContain("run.started");
        expect(updates).toContain("run.completed");
        expect(debug.length).toBeGreaterThan(updates.length);
        expect(debug).toContain("node.started");
        expect(values.length).toBeGreaterThan(0);
        expect(values.every((e) => e === "state.snapshot")).toBe(true);
        expect(messages).toEqual([]);
        const rejected = await call(`/v1/runs/${runId}/events?streamMode=everything`);
        expectErrorEnvelope(rejected, 400, "unsupported_stream_mode");
        expect((rejected.json as { details: { supported: string[] } }).details.supported).toContain("updates");
      });
    });

    describe("poll", () => {
      it("answers a cursor past the end with 200 and no events, and long-polls for new ones", async () => {
        const done = await createRun("conformance-noop");
        await waitForStatus(done, TERMINAL);
        const past = await call(`/v1/runs/${done}/events/poll?lastSequence=9999`);
        expect(past.status).toBe(200);
        expect(past.json).toMatchObject({ runId: done, events: [], isTerminal: true, runStatus: "completed" });

        const slow = await createRun("conformance-delay", { delayMs: 700 });
        await waitForStatus(slow, ["running"]);
        const before = await events(slow);
        const cursor = (before.at(-1) as RunEventLike).sequence;
        const started = Date.now();
        const waited = await call(`/v1/runs/${slow}/events/poll?lastSequence=${cursor}&timeout=10`);
        expect(waited.status).toBe(200);
        const fresh = (waited.json as { events: RunEventLike[] }).events;
        expect(fresh.length).toBeGreaterThan(0);
        expect(fresh[0]?.sequence).toBe(cursor + 1);
        expect(Date.now() - started).toBeLessThan(9_000);
      });
    });

    describe("idempotency", () => {
      it("replays the same runId with the replay header and refuses a different body", async () => {
        const key = `key-${Math.random().toString(36).slice(2)}`;
        const body = { workflowId: "conformance-idempotent", inputs: { nonce: "one" } };
        const first = await call("/v1/runs", { method: "POST", body, headers: { "idempotency-key": key } });
        expect(first.status).toBe(201);
        const replay = await call("/v1/runs", { method: "POST", body, headers: { "idempotency-key": key } });
        expect([200, 201]).toContain(replay.status);
        expect(replay.headers.get("openwop-idempotent-replay")).toBe("true");
        expect((replay.json as { runId: string }).runId).toBe((first.json as { runId: string }).runId);
        const mismatch = await call("/v1/runs", {
          method: "POST",
          body: { ...body, inputs: { nonce: "two" } },
          headers: { "idempotency-key": key },
        });
        expectErrorEnvelope(mismatch, 409, "idempotency_key_mismatch");
        expect(mismatch.text).not.toContain((first.json as { runId: string }).runId);
      });

      it("creates exactly one run for 50 concurrent requests with one key", async () => {
        const key = `burst-${Math.random().toString(36).slice(2)}`;
        const body = { workflowId: "conformance-idempotent", inputs: { nonce: "burst" } };
        const results = await Promise.all(
          Array.from({ length: 50 }, () =>
            call("/v1/runs", { method: "POST", body, headers: { "idempotency-key": key } }),
          ),
        );
        const ids = new Set(results.map((r) => (r.json as { runId?: string }).runId));
        expect(
          results.every((r) => r.status === 201 || r.status === 200),
          results.map((r) => r.status).join(","),
        ).toBe(true);
        expect(ids.size).toBe(1);
        expect(results.filter((r) => r.headers.get("openwop-idempotent-replay") !== "true")).toHaveLength(1);
      });
    });

    describe("cancellation", () => {
      it("cancels a running delay promptly, ending the log with run.cancelled", async () => {
        const runId = await createRun("conformance-cancellable");
        await waitForStatus(runId, ["running"]);
        const cancel = await call(`/v1/runs/${runId}/cancel`, { method: "POST" });
        expect(cancel.status).toBe(200);
        expect(["cancelling", "cancelled"]).toContain((cancel.json as { status: string }).status);
        expect((await waitForStatus(runId, TERMINAL, 5_000))["status"]).toBe("cancelled");
        const log = await probe.expectIntactLog(runId);
        expect(log.at(-1)?.type).toBe("run.cancelled");
        expect(log.map((e) => e.type)).toContain("node.cancelled");
        const again = await call(`/v1/runs/${runId}/cancel`, { method: "POST" });
        expect(again.json).toMatchObject({ runId, status: "cancelled" });
      });
    });

    describe("interrupts", () => {
      it("suspends on approval and completes after accept; a second resolution conflicts", async () => {
        const runId = await createRun("conformance-approval");
        const waiting = await waitForStatus(runId, ["waiting-approval"]);
        expect(waiting["currentNodeId"]).toBe("gate");
        const types = (await events(runId)).map((e) => e.type);
        expect(types).toEqual(expect.arrayContaining(["interrupt.requested", "approval.requested", "node.suspended"]));
        expectErrorEnvelope(
          await call(`/v1/runs/${runId}/interrupts/gate`, {
            method: "POST",
            body: { resumeValue: { action: "maybe" } },
          }),
          400,
        );
        expectErrorEnvelope(
          await call(`/v1/runs/${runId}/interrupts/nowhere`, {
            method: "POST",
            body: { resumeValue: { action: "accept" } },
          }),
          404,
          "interrupt_not_found",
        );
        const resolved = await call(`/v1/runs/${runId}/interrupts/gate`, {
          method: "POST",
          body: { resumeValue: { action: "accept" } },
        });
        expect(resolved.status, resolved.text).toBe(200);
        expect((await waitForStatus(runId, TERMINAL))["status"]).toBe("completed");
        expectErrorEnvelope(
          await call(`/v1/runs/${runId}/interrupts/gate`, {
            method: "POST",
            body: { resumeValue: { action: "accept" } },
          }),
          409,
          "interrupt_already_resolved",
        );
        await probe.expectIntactLog(runId);
      });

      it("accepts clarification answers as a map and as an array", async () => {
        for (const answers of [{ q1: "blue" }, [{ id: "q1", answer: "blue" }]]) {
          const runId = await createRun("conformance-clarification");
          expect((await waitForStatus(runId, ["waiting-input"]))["currentNodeId"]).toBe("ask");
          const resolved = await call(`/v1/runs/${runId}/interrupts/ask`, {
            method: "POST",
            body: { resumeValue: { answers } },
          });
          expect(resolved.status, resolved.text).toBe(200);
          expect((await waitForStatus(runId, TERMINAL))["status"]).toBe("completed");
          const resolution = (await events(runId)).find((e) => e.type === "clarification.resolved");
          expect(resolution?.payload["answers"]).toEqual({ q1: "blue" });
        }
      });

      it("answers 422 interrupt_cancelled once the run was cancelled", async () => {
        const runId = await createRun("conformance-approval");
        await waitForStatus(runId, ["waiting-approval"]);
        expect((await call(`/v1/runs/${runId}/cancel`, { method: "POST" })).json).toMatchObject({
          status: "cancelled",
        });
        expectErrorEnvelope(
          await call(`/v1/runs/${runId}/interrupts/gate`, {
            method: "POST",
            body: { resumeValue: { action: "accept" } },
          }),
          422,
          "interrupt_cancelled",
        );
      });
    });

    describeWebhookSuite({ url: () => host.url, apiKey, otherTenantKey, probe });
    describePauseSuite({ url: () => host.url, apiKey, readOnlyKey, otherTenantKey, probe });
    describeExpressionSuite({ probe });
    describeNodeTypeSuite({ url: () => host.url, apiKey, probe });

    describe("malformed requests", () => {
      it.each(MALFORMED_REQUESTS.map((m) => [m.name, m] as const))("%s", async (_, malformed) => {
        const headers = malformed.auth === false ? {} : auth();
        const result = await request(host.url, malformed.path, {
          method: malformed.method,
          headers: { ...headers, ...malformed.headers },
          ...(malformed.body === undefined ? {} : { body: malformed.body }),
        });
        expectErrorEnvelope(result, malformed.status, malformed.code);
      });
    });
  });
}
