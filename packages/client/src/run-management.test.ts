import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { WireError } from "./errors.js";
import { startTestServer } from "./testing/test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

describe("createRun retries", () => {
  it("retries a 503 after Retry-After under one generated Idempotency-Key, then answers the run", async () => {
    const keys: Array<string | undefined> = [];
    server = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on("end", () => {
        keys.push(request.headers["idempotency-key"] as string | undefined);
        if (keys.length < 3) {
          json(response, 503, { error: "service_unavailable", message: "busy" }, { "retry-after": "0" });
        } else {
          json(response, 201, { runId: "run-1", status: "pending", eventsUrl: "/v1/runs/run-1/events" });
        }
      });
    });
    const run = await createClient({ baseUrl: server.url, apiKey: "k" }).createRun({ workflowId: "wf" });
    expect(run.runId).toBe("run-1");
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^openwop-client-/);
    expect(new Set(keys).size).toBe(1);
  });

  it("gives up after the retries, throwing the last refusal, and never retries a 400", async () => {
    let calls = 0;
    server = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on("end", () => {
        calls++;
        const refused = request.url === "/v1/runs" && calls <= 2 ? 429 : 400;
        json(
          response,
          refused,
          { error: refused === 429 ? "rate_limited" : "validation_error", message: "no" },
          {
            "retry-after": "0",
          },
        );
      });
    });
    const client = createClient({ baseUrl: server.url, apiKey: "k" });
    const limited = await client.createRun({ workflowId: "wf" }, { retries: 1 }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(WireError);
    expect((limited as WireError).status).toBe(429);
    expect(calls).toBe(2);
    const invalid = await client.createRun({ workflowId: "wf" }).catch((error: unknown) => error);
    expect((invalid as WireError).status).toBe(400);
    expect(calls).toBe(3);
  });
});

describe("runs", () => {
  it("iterates every page by cursor and sends bulk cancels with their key", async () => {
    const seen: string[] = [];
    server = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        seen.push(`${request.method} ${request.url} ${body}`);
        if (request.method === "POST")
          return json(response, 200, { results: [{ runId: "a", ok: true, status: "cancelled" }] });
        const second = request.url?.includes("cursor=c1");
        json(response, 200, {
          runs: [
            {
              runId: second ? "b" : "a",
              workflowId: "wf",
              status: "running",
              createdAt: "2030-01-01T00:00:00Z",
              tags: [],
            },
          ],
          nextCursor: second ? null : "c1",
        });
      });
    });
    const client = createClient({ baseUrl: server.url, apiKey: "k" });
    const ids: string[] = [];
    for await (const run of client.runs.iterate({ status: "running", createdAfter: new Date(0) })) ids.push(run.runId);
    expect(ids).toEqual(["a", "b"]);
    const answer = await client.runs.bulkCancel(["a"], { reason: "r", idempotencyKey: "k1" });
    expect(answer.results[0]?.ok).toBe(true);
    expect(seen).toEqual([
      "GET /v1/runs?status=running&createdAfter=1970-01-01T00%3A00%3A00.000Z ",
      "GET /v1/runs?status=running&createdAfter=1970-01-01T00%3A00%3A00.000Z&cursor=c1 ",
      'POST /v1/runs:bulk-cancel {"runIds":["a"],"reason":"r"}',
    ]);
  });
});

describe("pause and resume", () => {
  it("sends the pause body and key, reads the 202s, and throws the 409 as a WireError with its code", async () => {
    const seen: string[] = [];
    server = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        seen.push(`${request.method} ${request.url} ${request.headers["idempotency-key"] ?? "-"} ${body}`);
        if (request.url === "/v1/runs/r%2F1:pause") {
          return json(response, 202, { runId: "r/1", status: "paused", pausedAt: "2030-01-01T00:00:00.000Z" });
        }
        if (request.url === "/v1/runs/r%2F1:resume") {
          return json(response, 202, { runId: "r/1", status: "running", resumedAt: "2030-01-01T00:01:00.000Z" });
        }
        json(response, 409, { error: "run_not_paused", message: "no", details: { runStatus: "completed" } });
      });
    });
    const client = createClient({ baseUrl: server.url, apiKey: "k" });
    const paused = await client.runs.pause("r/1", { reason: "why", drainPolicy: "immediate", idempotencyKey: "p1" });
    expect(paused.status).toBe("paused");
    expect((await client.runs.resume("r/1")).status).toBe("running");
    const refused = await client.runs.resume("done").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WireError);
    expect((refused as WireError).code).toBe("run_not_paused");
    expect(seen).toEqual([
      'POST /v1/runs/r%2F1:pause p1 {"reason":"why","drainPolicy":"immediate"}',
      "POST /v1/runs/r%2F1:resume - ",
      "POST /v1/runs/done:resume - ",
    ]);
  });
});

describe("readiness", () => {
  it("names a missing scope, an expiring key, a full queue and a skewed clock, each with its fix", async () => {
    server = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on("end", () => {
        const date = new Date(Date.now() - 600_000).toUTCString();
        if (request.url === "/.well-known/openwop") {
          return json(
            response,
            200,
            {
              protocolVersion: "1.0",
              supportedEnvelopes: [],
              schemaVersions: {},
              limits: {},
              keys: { supported: true },
            },
            { date },
          );
        }
        if (request.url === "/v1/keys/self") {
          return json(response, 200, {
            tenant: "t",
            scopes: ["runs:read"],
            status: "active",
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          });
        }
        if (request.url === "/readyz") {
          return json(response, 200, { status: "ready", admission: { pendingRuns: 5, maxPendingRuns: 5 } });
        }
        json(response, 404, { error: "not_found", message: "no" });
      });
    });
    const report = await createClient({ baseUrl: server.url, apiKey: "k" }).readiness({
      scopes: ["runs:read", "runs:create"],
    });
    expect(report.ok).toBe(false);
    expect(report.blockers.map((issue) => issue.code).sort()).toEqual([
      "admission_full",
      "clock_skew",
      "scope_missing",
    ]);
    expect(report.warnings.map((issue) => issue.code)).toEqual(["key_expiring"]);
    for (const issue of [...report.blockers, ...report.warnings]) expect(issue.fix.length).toBeGreaterThan(0);
    expect(report.facts).toMatchObject({ tenant: "t", pendingRuns: 5, maxPendingRuns: 5 });
  });

  it("is a single blocker when the host does not answer", async () => {
    const report = await createClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k", timeoutMs: 2_000 }).readiness();
    expect(report).toMatchObject({ ok: false, blockers: [{ code: "host_unreachable" }] });
  });
});
