import type { IncomingMessage, ServerResponse } from "node:http";
import type { FeedEntry } from "@openwop/types";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { UnreadableResponseError, WireError } from "./errors.js";
import { startTestServer } from "./testing/test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Seen {
  method?: string;
  url?: string;
  body: string;
  auth?: string;
  contentType?: string;
  idempotencyKey?: string;
}

type Answer = { status: number; body?: unknown } | "hold";

/** A server answering each request with `answer(seen)` (or never, for `"hold"`) and recording it. */
async function recordingServer(answer: (seen: Seen) => Answer): Promise<Seen[]> {
  const seen: Seen[] = [];
  server = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const entry: Seen = {
        method: request.method,
        url: request.url,
        body,
        auth: request.headers.authorization,
        contentType: request.headers["content-type"],
        idempotencyKey: request.headers["idempotency-key"] as string | undefined,
      };
      seen.push(entry);
      const reply = answer(entry);
      if (reply === "hold") return;
      if (reply.body === undefined) {
        response.writeHead(reply.status);
        response.end();
      } else {
        response.writeHead(reply.status, { "content-type": "application/json" });
        response.end(JSON.stringify(reply.body));
      }
    });
  });
  return seen;
}

const client = () => createClient({ baseUrl: server?.url as string, apiKey: "k" });
const caught = (promise: Promise<unknown>) => promise.then(() => undefined).catch((error: unknown) => error);

const subscription = {
  webhookId: "wh_1",
  url: "https://example.com/hook",
  events: ["run.completed"],
  tags: [],
  signature: "v1",
  secretFingerprint: "1f2e3d4c",
  status: "active",
  circuit: { open: false, openUntil: null, consecutiveFailures: 0 },
  createdAt: "2026-12-02T00:00:00.000Z",
  updatedAt: "2026-12-02T00:00:00.000Z",
};
const created = { webhookId: "wh_1", secret: "a".repeat(64), secretFingerprint: "1f2e3d4c" };
const delivery = {
  deliveryId: "dlv_1",
  webhookId: "wh_1",
  runId: "run_1",
  sequence: 3,
  eventType: "run.completed",
  cursor: "c3",
  status: "pending",
  attempts: 0,
  nextAttemptAt: "2026-12-02T00:00:00.000Z",
  createdAt: "2026-12-02T00:00:00.000Z",
  updatedAt: "2026-12-02T00:00:00.000Z",
  deliveredAt: null,
  lastError: null,
};
const event = (runId: string, sequence: number, type = "node.started") => ({
  eventId: `${runId}-${sequence}`,
  runId,
  type,
  payload: {},
  timestamp: "2026-12-02T00:00:00.000Z",
  sequence,
});

describe("client.webhooks", () => {
  it("create POSTs the body to /v1/webhooks, with Idempotency-Key when given", async () => {
    const seen = await recordingServer(() => ({ status: 201, body: created }));
    const body = { url: "https://example.com/hook", events: ["run.completed"] as [string] };
    expect(await client().webhooks.create(body, { idempotencyKey: "idem-1" })).toEqual(created);
    await client().webhooks.create(body);
    expect(seen).toEqual([
      {
        method: "POST",
        url: "/v1/webhooks",
        body: '{"url":"https://example.com/hook","events":["run.completed"]}',
        auth: "Bearer k",
        contentType: "application/json",
        idempotencyKey: "idem-1",
      },
      expect.objectContaining({ method: "POST", url: "/v1/webhooks", idempotencyKey: undefined }),
    ]);
  });

  it("list sends limit and cursor only when given, and refuses a page without webhooks", async () => {
    const page = { webhooks: [subscription], nextCursor: null };
    const seen = await recordingServer((request) =>
      request.url?.includes("broken") ? { status: 200, body: { nextCursor: null } } : { status: 200, body: page },
    );
    expect(await client().webhooks.list({ limit: 2, cursor: "c/1+" })).toEqual(page);
    expect(await client().webhooks.list()).toEqual(page);
    expect(await caught(client().webhooks.list({ cursor: "broken" }))).toBeInstanceOf(UnreadableResponseError);
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      "GET /v1/webhooks?limit=2&cursor=c%2F1%2B",
      "GET /v1/webhooks",
      "GET /v1/webhooks?cursor=broken",
    ]);
  });

  it("get, pause and resume address the subscription (escaped) and return it; pause sends no body", async () => {
    const seen = await recordingServer(() => ({ status: 200, body: subscription }));
    expect(await client().webhooks.get("wh/1")).toEqual(subscription);
    expect(await client().webhooks.pause("wh/1")).toEqual(subscription);
    expect(await client().webhooks.resume("wh/1")).toEqual(subscription);
    expect(seen.map(({ method, url, body, contentType }) => ({ method, url, body, contentType }))).toEqual([
      { method: "GET", url: "/v1/webhooks/wh%2F1", body: "", contentType: undefined },
      { method: "POST", url: "/v1/webhooks/wh%2F1/pause", body: "", contentType: undefined },
      { method: "POST", url: "/v1/webhooks/wh%2F1/resume", body: "", contentType: undefined },
    ]);
  });

  it("delete resolves on 204 and treats another 2xx as an unreadable answer", async () => {
    let status = 204;
    const seen = await recordingServer(() => (status === 204 ? { status } : { status, body: subscription }));
    await expect(client().webhooks.delete("wh_1")).resolves.toBeUndefined();
    status = 200;
    expect(await caught(client().webhooks.delete("wh_1"))).toBeInstanceOf(UnreadableResponseError);
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      "DELETE /v1/webhooks/wh_1",
      "DELETE /v1/webhooks/wh_1",
    ]);
  });

  it("throws WireError for refusals", async () => {
    await recordingServer((request) =>
      request.method === "POST"
        ? {
            status: 400,
            body: { error: "webhook_url_rejected", message: "private address", details: { reason: "private" } },
          }
        : { status: 404, body: { error: "subscription_not_found", message: "no such subscription" } },
    );
    const rejected = await caught(client().webhooks.create({ url: "https://10.0.0.1/", events: ["run.completed"] }));
    expect(rejected).toBeInstanceOf(WireError);
    expect(rejected).toMatchObject({ status: 400, code: "webhook_url_rejected" });
    for (const call of [
      client().webhooks.get("wh_x"),
      client().webhooks.delete("wh_x"),
      client().deliveries.list("wh_x"),
    ]) {
      expect(await caught(call)).toMatchObject({ status: 404, code: "subscription_not_found" });
    }
  });
});

describe("client.deliveries", () => {
  it("list sends every filter that is set, in a query, and refuses a page without deliveries", async () => {
    const page = { deliveries: [delivery], nextCursor: "d2" };
    const seen = await recordingServer((request) =>
      request.url?.includes("broken") ? { status: 200, body: {} } : { status: 200, body: page },
    );
    expect(
      await client().deliveries.list("wh_1", {
        status: "dead_lettered",
        runId: "run 1",
        eventType: "run.completed",
        limit: 5,
        cursor: "d1",
      }),
    ).toEqual(page);
    expect(await client().deliveries.list("wh_1")).toEqual(page);
    expect(await caught(client().deliveries.list("broken"))).toBeInstanceOf(UnreadableResponseError);
    expect(seen.map(({ url }) => url)).toEqual([
      "/v1/webhooks/wh_1/deliveries?status=dead_lettered&runId=run+1&eventType=run.completed&limit=5&cursor=d1",
      "/v1/webhooks/wh_1/deliveries",
      "/v1/webhooks/broken/deliveries",
    ]);
  });

  it("get reads one delivery with its attempt log", async () => {
    const withLog = {
      ...delivery,
      attemptLog: [
        {
          attempt: 1,
          startedAt: "2026-12-02T00:00:00.000Z",
          address: "127.0.0.1",
          statusCode: 503,
          latencyMs: 3,
          error: null,
          responseExcerpt: "no",
        },
      ],
    };
    const seen = await recordingServer(() => ({ status: 200, body: withLog }));
    expect(await client().deliveries.get("wh_1", "dlv/1")).toEqual(withLog);
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual(["GET /v1/webhooks/wh_1/deliveries/dlv%2F1"]);
  });

  it("replay POSTs without a body and needs 202", async () => {
    let status = 202;
    const seen = await recordingServer(() => ({ status, body: delivery }));
    expect(await client().deliveries.replay("wh_1", "dlv_1")).toEqual(delivery);
    status = 200;
    expect(await caught(client().deliveries.replay("wh_1", "dlv_1"))).toBeInstanceOf(UnreadableResponseError);
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/v1/webhooks/wh_1/deliveries/dlv_1/replay",
      body: "",
      contentType: undefined,
    });
  });

  it("replayDeadLetters sends the body when given, none otherwise, and returns requeued", async () => {
    let reply: unknown = { requeued: 2 };
    const seen = await recordingServer(() => ({ status: 202, body: reply }));
    expect(await client().deliveries.replayDeadLetters("wh_1", { eventTypes: ["run.completed"], limit: 10 })).toEqual({
      requeued: 2,
    });
    expect(await client().deliveries.replayDeadLetters("wh_1")).toEqual({ requeued: 2 });
    reply = { count: 2 };
    expect(await caught(client().deliveries.replayDeadLetters("wh_1"))).toBeInstanceOf(UnreadableResponseError);
    expect(seen.slice(0, 2).map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      {
        method: "POST",
        url: "/v1/webhooks/wh_1/dead-letters/replay",
        body: '{"eventTypes":["run.completed"],"limit":10}',
      },
      { method: "POST", url: "/v1/webhooks/wh_1/dead-letters/replay", body: "" },
    ]);
  });
});

describe("client.events", () => {
  it("page sends after, types (joined), limit and wait, and outlasts its own timeout while the host holds", async () => {
    const page = { events: [{ cursor: "c1", event: event("run_1", 0, "run.started") }], nextCursor: "c1" };
    const seen = await recordingServer(() => ({ status: 200, body: page }));
    const events = createClient({ baseUrl: server?.url as string, apiKey: "k", timeoutMs: 200 }).events;
    expect(await events.page({ after: "c0", types: ["run.started", "run.completed"], limit: 3, wait: 1 })).toEqual(
      page,
    );
    await events.page({ types: "run.completed" });
    await events.page();
    expect(seen.map(({ url }) => url)).toEqual([
      "/v1/events?after=c0&types=run.started%2Crun.completed&limit=3&wait=1",
      "/v1/events?types=run.completed",
      "/v1/events",
    ]);

    // A held request is bounded by the client's timeout plus the wait, not the timeout alone.
    await server?.close();
    server = undefined;
    let held: (() => void) | undefined;
    server = await startTestServer((_request, response) => {
      held = () => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ events: [], nextCursor: "c0" }));
      };
      setTimeout(() => held?.(), 500);
    });
    const slow = createClient({ baseUrl: server.url, apiKey: "k", timeoutMs: 200 }).events;
    await expect(slow.page({ after: "c0", wait: 1 })).resolves.toEqual({ events: [], nextCursor: "c0" });
  });

  it("feed follows nextCursor page by page, long-polls when caught up, and ends quietly on abort", async () => {
    const entries: FeedEntry[] = [1, 2, 3, 4, 5].map((n) => ({
      cursor: `c${n}`,
      event: event("run_1", n) as FeedEntry["event"],
    }));
    const controller = new AbortController();
    // Two entries a page; once caught up the host holds (it would answer when an event arrives).
    const seen = await recordingServer((request) => {
      const query = new URL(request.url ?? "/", "http://x").searchParams;
      const after = query.get("after");
      const start = after === null ? 0 : entries.findIndex((entry) => entry.cursor === after) + 1;
      const page = entries.slice(start, start + 2);
      if (page.length === 0) return "hold";
      return { status: 200, body: { events: page, nextCursor: page.at(-1)?.cursor } };
    });
    const received: FeedEntry[] = [];
    for await (const entry of client().events.feed({ types: ["node.started"], limit: 2, signal: controller.signal })) {
      received.push(entry);
      if (received.length === entries.length) setTimeout(() => controller.abort(), 50);
    }
    expect(received).toEqual(entries);
    expect(seen.map(({ url }) => url)).toEqual([
      "/v1/events?types=node.started&limit=2&wait=30",
      "/v1/events?after=c2&types=node.started&limit=2&wait=30",
      "/v1/events?after=c4&types=node.started&limit=2&wait=30",
      "/v1/events?after=c5&types=node.started&limit=2&wait=30",
    ]);
  });

  it("feed keeps its position across empty pages and a tenant without events, and throws refusals", async () => {
    const answers: Array<{ status: number; body: unknown }> = [
      { status: 200, body: { events: [], nextCursor: null } },
      { status: 200, body: { events: [{ cursor: "c1", event: event("run_1", 0) }], nextCursor: "c1" } },
      { status: 200, body: { events: [], nextCursor: "c1" } },
      { status: 410, body: { error: "cursor_expired", message: "too old" } },
    ];
    const seen = await recordingServer(() => answers.shift() ?? { status: 500, body: {} });
    const received: FeedEntry[] = [];
    const error = await caught(
      (async () => {
        for await (const entry of client().events.feed({ wait: 1 })) received.push(entry);
      })(),
    );
    expect(error).toBeInstanceOf(WireError);
    expect(error).toMatchObject({ status: 410, code: "cursor_expired" });
    expect(received.map((entry) => entry.cursor)).toEqual(["c1"]);
    expect(seen.map(({ url }) => url)).toEqual([
      "/v1/events?wait=1",
      "/v1/events?wait=1",
      "/v1/events?after=c1&wait=1",
      "/v1/events?after=c1&wait=1",
    ]);
  }, 10_000);
});
