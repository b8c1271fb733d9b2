import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { TimeoutError, TransportError, UnreadableResponseError, WireError } from "./errors.js";
import { startTestServer } from "./testing/test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("createClient", () => {
  it("sends JSON with bearer auth and reads the replay header on createRun", async () => {
    const requests: Array<{ method?: string; url?: string; body: string; key?: string; auth?: string }> = [];
    server = await startTestServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        requests.push({
          method: request.method,
          url: request.url,
          body,
          key: request.headers["idempotency-key"] as string | undefined,
          auth: request.headers.authorization,
        });
        response.writeHead(201, { "content-type": "application/json", "openwop-idempotent-replay": "true" });
        response.end(JSON.stringify({ runId: "run-1", status: "pending", eventsUrl: "/v1/runs/run-1/events" }));
      });
    });
    const run = await createClient({ baseUrl: server.url, apiKey: "k" }).createRun(
      { workflowId: "conformance-noop" },
      { idempotencyKey: "abc" },
    );
    expect(run).toMatchObject({ runId: "run-1", status: "pending", replayed: true });
    expect(requests).toEqual([
      { method: "POST", url: "/v1/runs", body: '{"workflowId":"conformance-noop"}', key: "abc", auth: "Bearer k" },
    ]);
  });

  it("turns a non-2xx into a WireError and leaves raw() to the caller", async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "not_found", message: "no such run" }));
    });
    const client = createClient({ baseUrl: server.url, apiKey: "k" });
    const error = await client.getRun("missing").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WireError);
    expect(error).toMatchObject({
      status: 404,
      code: "not_found",
      envelope: { error: "not_found", message: "no such run" },
    });

    const raw = await client.raw("GET", "/v1/runs/missing", { auth: false });
    expect(raw.status).toBe(404);
    expect(raw.body).toEqual({ error: "not_found", message: "no such run" });
    expect(raw.text).toContain("not_found");
  });

  it("reports a silent host as a TimeoutError, not a WireError", async () => {
    server = await startTestServer(() => undefined);
    const error = await createClient({ baseUrl: server.url, timeoutMs: 100 })
      .discovery()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("reports a refused connection as a TransportError", async () => {
    server = await startTestServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await createClient({ baseUrl: url })
      .discovery()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransportError);
  });

  it("waits for a terminal status", async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ runId: "r", workflowId: "w", status: calls < 3 ? "running" : "completed" }));
    });
    const client = createClient({ baseUrl: server.url });
    await expect(client.waitForTerminal("r", { timeoutMs: 5_000, intervalMs: 10 })).resolves.toMatchObject({
      status: "completed",
    });
    calls = -1000;
    await expect(client.waitForTerminal("r", { timeoutMs: 50, intervalMs: 10 })).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe("client.keys", () => {
  interface Seen {
    method?: string;
    url?: string;
    body: string;
    auth?: string;
    contentType?: string;
  }
  const metadata = {
    keyId: "key_1",
    prefix: "hk_test_abcdef",
    tenant: "default",
    label: "",
    scopes: ["runs:read"],
    kind: "test",
    origin: "api",
    status: "active",
    createdAt: "2026-12-02T00:00:00.000Z",
    expiresAt: null,
    lastUsedAt: null,
    rotatedAt: null,
    revokedAt: null,
    replacedBy: null,
    replaces: null,
  };
  const issued = {
    keyId: "key_1",
    key: "hk_test_abcdefSECRETSECRETSECRETSECRETSE",
    prefix: "hk_test_abcdef",
    tenant: "default",
    label: "",
    scopes: ["runs:read"],
    kind: "test",
    createdAt: "2026-12-02T00:00:00.000Z",
    expiresAt: null,
  };

  /** A server answering each request with `answer(seen)` and recording what it saw. */
  async function recordingServer(answer: (seen: Seen) => { status: number; body?: unknown }): Promise<Seen[]> {
    const seen: Seen[] = [];
    server = await startTestServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const entry: Seen = {
          method: request.method,
          url: request.url,
          body,
          auth: request.headers.authorization,
          contentType: request.headers["content-type"],
        };
        seen.push(entry);
        const { status, body: reply } = answer(entry);
        if (reply === undefined) {
          response.writeHead(status);
          response.end();
        } else {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(reply));
        }
      });
    });
    return seen;
  }

  it("create POSTs the body to /v1/keys and returns the issued key", async () => {
    const seen = await recordingServer(() => ({ status: 201, body: issued }));
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    const result = await client.keys.create({ scopes: ["runs:read"], label: "ci", expiresAt: "2030-01-01T00:00:00Z" });
    expect(result).toEqual(issued);
    expect(seen).toEqual([
      {
        method: "POST",
        url: "/v1/keys",
        body: '{"scopes":["runs:read"],"label":"ci","expiresAt":"2030-01-01T00:00:00Z"}',
        auth: "Bearer k",
        contentType: "application/json",
      },
    ]);
  });

  it("list sends limit and cursor as query parameters, and none when absent", async () => {
    const page = { keys: [metadata], nextCursor: "c2" };
    const seen = await recordingServer(() => ({ status: 200, body: page }));
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    expect(await client.keys.list({ limit: 10, cursor: "c/1+" })).toEqual(page);
    expect(await client.keys.list()).toEqual(page);
    expect(seen.map(({ method, url, body, auth }) => ({ method, url, body, auth }))).toEqual([
      { method: "GET", url: "/v1/keys?limit=10&cursor=c%2F1%2B", body: "", auth: "Bearer k" },
      { method: "GET", url: "/v1/keys", body: "", auth: "Bearer k" },
    ]);
  });

  it("list refuses a 200 without a keys array", async () => {
    await recordingServer(() => ({ status: 200, body: { nextCursor: null } }));
    const error = await createClient({ baseUrl: server?.url as string, apiKey: "k" })
      .keys.list()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnreadableResponseError);
  });

  it("get and self read key metadata, escaping the key id", async () => {
    const seen = await recordingServer(() => ({ status: 200, body: metadata }));
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    expect(await client.keys.get("key/1")).toEqual(metadata);
    expect(await client.keys.self()).toEqual(metadata);
    expect(seen.map(({ method, url, auth }) => ({ method, url, auth }))).toEqual([
      { method: "GET", url: "/v1/keys/key%2F1", auth: "Bearer k" },
      { method: "GET", url: "/v1/keys/self", auth: "Bearer k" },
    ]);
  });

  it("rotate POSTs graceSeconds (or an empty body) and returns the successor", async () => {
    const successor = { ...issued, keyId: "key_2", replaces: "key_1", graceUntil: "2026-12-02T00:00:02.000Z" };
    const seen = await recordingServer(() => ({ status: 201, body: successor }));
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    expect(await client.keys.rotate("key_1", { graceSeconds: 2 })).toEqual(successor);
    await client.keys.rotate("key_1");
    expect(seen.map(({ method, url, body, auth }) => ({ method, url, body, auth }))).toEqual([
      { method: "POST", url: "/v1/keys/key_1/rotate", body: '{"graceSeconds":2}', auth: "Bearer k" },
      { method: "POST", url: "/v1/keys/key_1/rotate", body: "{}", auth: "Bearer k" },
    ]);
  });

  it("revoke DELETEs and resolves on 204 without a body", async () => {
    const seen = await recordingServer(() => ({ status: 204 }));
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    await expect(client.keys.revoke("key_1")).resolves.toBeUndefined();
    expect(seen).toEqual([
      { method: "DELETE", url: "/v1/keys/key_1", body: "", auth: "Bearer k", contentType: undefined },
    ]);
  });

  it("revoke treats another 2xx as an unreadable answer", async () => {
    await recordingServer(() => ({ status: 200, body: metadata }));
    const error = await createClient({ baseUrl: server?.url as string, apiKey: "k" })
      .keys.revoke("key_1")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnreadableResponseError);
  });

  it("failures sends since (a string or a Date) and returns the summary", async () => {
    const summary = { since: "2026-12-01T00:00:00.000Z", failures: [] };
    const seen = await recordingServer(() => ({ status: 200, body: summary }));
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    expect(await client.keys.failures({ since: new Date("2026-12-01T00:00:00.000Z") })).toEqual(summary);
    await client.keys.failures({ since: "2026-12-01T00:00:00Z" });
    await client.keys.failures();
    expect(seen.map(({ method, url }) => ({ method, url }))).toEqual([
      { method: "GET", url: "/v1/keys/failures?since=2026-12-01T00%3A00%3A00.000Z" },
      { method: "GET", url: "/v1/keys/failures?since=2026-12-01T00%3A00%3A00Z" },
      { method: "GET", url: "/v1/keys/failures" },
    ]);
  });

  it("throws WireError for refusals, 204-returning calls included", async () => {
    const refusals: Record<string, { status: number; body: unknown }> = {
      "POST /v1/keys": {
        status: 403,
        body: {
          error: "forbidden",
          message: "no escalation",
          details: { reason: "scope_escalation", scopes: ["runs:create"] },
        },
      },
      "DELETE /v1/keys/key_x": { status: 404, body: { error: "not_found", message: "no such key" } },
      "POST /v1/keys/key_1/rotate": {
        status: 409,
        body: { error: "key_not_active", message: "rotated", details: { reason: "rotated" } },
      },
      "GET /v1/keys/self": { status: 401, body: { error: "key_revoked", message: "revoked" } },
    };
    await recordingServer((seen) => refusals[`${seen.method} ${seen.url}`] ?? { status: 500, body: {} });
    const client = createClient({ baseUrl: server?.url as string, apiKey: "k" });
    const caught = async (promise: Promise<unknown>) => promise.then(() => undefined).catch((error: unknown) => error);
    const escalation = await caught(client.keys.create({ scopes: ["runs:create"] }));
    expect(escalation).toBeInstanceOf(WireError);
    expect(escalation).toMatchObject({
      status: 403,
      code: "forbidden",
      envelope: { details: { reason: "scope_escalation" } },
    });
    expect(await caught(client.keys.revoke("key_x"))).toMatchObject({ status: 404, code: "not_found" });
    expect(await caught(client.keys.rotate("key_1"))).toMatchObject({ status: 409, code: "key_not_active" });
    expect(await caught(client.keys.self())).toMatchObject({ status: 401, code: "key_revoked" });
  });
});
