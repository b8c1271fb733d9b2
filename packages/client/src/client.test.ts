import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { TimeoutError, TransportError, WireError } from "./errors.js";
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
