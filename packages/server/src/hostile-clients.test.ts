import { connect, type Socket } from "node:net";
import { createMemoryAdapter } from "@openwop/storage-memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "./host.js";
import { resolveHostSettings } from "./settings/host-settings.js";
import { bearer, request } from "./testing/http.js";
import { LogCapture } from "./testing/log-capture.js";

const apiKey = "hk_test_hostile_clients_0001";
const implementation = { name: "hostile-clients-test", version: "0.0.0" };

/** What came back on a raw socket: the status line, the body after the headers, and whether it closed. */
interface RawAnswer {
  statusLine: string;
  body: string;
  closed: boolean;
}

/** Writes `payload` on a fresh socket and collects what comes back until the host closes it (or `waitMs`). */
function rawExchange(port: number, payload: string | Buffer, waitMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let data = "";
    const socket: Socket = connect(port, "127.0.0.1", () => socket.write(payload));
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      const split = data.indexOf("\r\n\r\n");
      resolve({
        statusLine: data.split("\r\n")[0] ?? "",
        body: split < 0 ? "" : data.slice(split + 4),
        closed,
      });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => undefined);
  });
}

const isError = (record: Record<string, unknown>): boolean =>
  record["level"] === "error" || record["level"] === "fatal";

/** The envelope of a raw answer, or a failure naming what came back instead. */
function envelopeOf(answer: RawAnswer): { error: string; message: string; details?: Record<string, unknown> } {
  const parsed = JSON.parse(answer.body) as { error: string; message: string; details?: Record<string, unknown> };
  expect(
    Object.keys(parsed).every((key) => ["error", "message", "details"].includes(key)),
    answer.body,
  ).toBe(true);
  expect(typeof parsed.message).toBe("string");
  return parsed;
}

describe("hostile clients (RFC 0012)", () => {
  let host: RunningHost;
  const logs = new LogCapture("debug");

  beforeAll(async () => {
    host = await startOpenWopHost({
      adapter: createMemoryAdapter(),
      implementation,
      // Short timeouts so stalled sockets are seen closing within the test's patience.
      settings: resolveHostSettings({ apiKey, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 }),
      app: { logger: logs.logger },
    });
  });
  afterAll(() => host.close());

  /** The first record of `event` logged after line `before`, waiting for it a while. */
  const recordAfter = async (before: number, event: string): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = logs
        .records()
        .slice(before)
        .find((record) => record["event"] === event);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${event} record was logged`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const rawRequest = (lines: string[], body = ""): string => `${lines.join("\r\n")}\r\n\r\n${body}`;

  it.each([
    ["a request line that is not HTTP", "GARBAGE\r\n\r\n", "400"],
    ["a control character in a header", rawRequest(["GET /v1/runs HTTP/1.1", "Host: x", "X-A: a\u0001b"]), "400"],
    [
      "two different Content-Length headers",
      rawRequest(["POST /v1/runs HTTP/1.1", "Host: x", "Content-Length: 2", "Content-Length: 3"], "{}"),
      "400",
    ],
    [
      "a header section over 16 KiB",
      rawRequest(["GET /v1/runs HTTP/1.1", "Host: x", `X-A: ${"a".repeat(20_000)}`]),
      "431",
    ],
    ["CONNECT", rawRequest(["CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"]), "405"],
  ])("answers %s with the envelope, then closes", async (_, payload, status) => {
    const answer = await rawExchange(host.port, payload);
    expect(answer.statusLine, answer.body).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    const envelope = envelopeOf(answer);
    expect(envelope.error).toBe(status === "405" ? "method_not_allowed" : "validation_error");
    expect(answer.closed).toBe(true);
  });

  it.each([
    ["no Host header", rawRequest(["GET /healthz HTTP/1.1", "Connection: close"])],
    ["a Host header that is not a host", rawRequest(["GET /healthz HTTP/1.1", "Host: a b", "Connection: close"])],
    ["a backslash in the path", rawRequest(["GET /v1/runs/a\\b HTTP/1.1", "Host: x", "Connection: close"])],
    ["the asterisk form", rawRequest(["OPTIONS * HTTP/1.1", "Host: x", "Connection: close"])],
    ["a malformed absolute form", rawRequest(["GET http://[::1/v1/runs/x HTTP/1.1", "Host: x", "Connection: close"])],
  ])("answers a request target it cannot read (%s) with the 400 envelope", async (_, payload) => {
    const answer = await rawExchange(host.port, payload);
    expect(answer.statusLine, answer.body).toMatch(/^HTTP\/1\.1 400 /);
    expect(envelopeOf(answer)).toMatchObject({
      error: "validation_error",
      details: { field: "request", reason: "invalid_request_target" },
    });
  });

  it.each([
    ["a path parameter", "/v1/runs/%ff", "runId"],
    ["an encoded UTF-16 surrogate in a path parameter", "/v1/runs/%ED%A0%80/events/poll", "runId"],
    ["the second path parameter", "/v1/webhooks/wh_x/deliveries/%FE%FF", "deliveryId"],
    ["a query value", "/v1/runs/run_x/events/poll?lastSequence=%ff", "lastSequence"],
    ["a query name", "/v1/keys?%c3=1", "(name)"],
  ])("refuses %s that does not percent-decode as UTF-8 with a 400, not a 404", async (_, path, field) => {
    const answer = await request(host.url, path, { headers: bearer(apiKey) });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json).toMatchObject({
      error: "validation_error",
      details: { field, reason: "invalid_percent_encoding" },
    });
  });

  it("serves a request whose Expect holds something other than 100-continue", async () => {
    const body = '{"workflowId":"noop"}';
    const answer = await rawExchange(
      host.port,
      rawRequest(
        [
          "POST /v1/runs HTTP/1.1",
          "Host: x",
          `Authorization: Bearer ${apiKey}`,
          "Content-Type: application/json",
          "Expect: foo",
          `Content-Length: ${body.length}`,
          "Connection: close",
        ],
        body,
      ),
    );
    // The route itself answered: this host registers no workflow, so the id is what it refuses.
    expect(answer.statusLine, answer.body).toMatch(/^HTTP\/1\.1 400 /);
    expect(envelopeOf(answer)).toMatchObject({ error: "validation_error", details: { field: "workflowId" } });
  });

  it("says how large a header section may be", async () => {
    const answer = await rawExchange(
      host.port,
      rawRequest(["GET /v1/runs HTTP/1.1", "Host: x", `X-A: ${"a".repeat(20_000)}`]),
    );
    expect(envelopeOf(answer).details).toMatchObject({ maxHeaderBytes: 16_384 });
  });

  it("closes a socket that stops sending headers once the headers timeout passes", async () => {
    const answer = await rawExchange(host.port, "GET /v1/runs HTTP/1.1\r\nHost: x\r\n", 10_000);
    expect(answer.closed, "the host should close a slow-header socket long before the 10 s patience").toBe(true);
  });

  it("closes a socket that stops mid-body once the request timeout passes, logging an abort and no error", async () => {
    const before = logs.lines.length;
    const answer = await rawExchange(
      host.port,
      rawRequest(
        [
          "POST /v1/runs HTTP/1.1",
          "Host: x",
          `Authorization: Bearer ${apiKey}`,
          "Content-Type: application/json",
          "Content-Length: 1000",
        ],
        '{"workflowId":',
      ),
      10_000,
    );
    expect(answer.closed, "the host should close a stalled upload long before the 10 s patience").toBe(true);
    const aborted = await recordAfter(before, "http.aborted");
    expect(aborted["level"]).toBe("info");
    const errors = logs
      .records()
      .slice(before)
      .filter((record) => isError(record));
    expect(errors, JSON.stringify(errors)).toEqual([]);
  });

  it("logs a client that disconnects mid-body at info with the bytes received, and no request line", async () => {
    const before = logs.lines.length;
    await new Promise<void>((resolve) => {
      const socket = connect(host.port, "127.0.0.1", () => {
        socket.write(
          rawRequest(
            [
              "POST /v1/runs HTTP/1.1",
              "Host: x",
              `Authorization: Bearer ${apiKey}`,
              "Content-Type: application/json",
              "Content-Length: 1000",
            ],
            '{"workflowId":"conformance-noop"',
          ),
        );
        // Long enough for the handler to read what was sent, then gone.
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 300);
      });
    });
    const aborted = await recordAfter(before, "http.aborted");
    expect(aborted).toMatchObject({ level: "info", method: "POST", path: "/v1/runs", bytesReceived: 32 });
    const later = logs.records().slice(before);
    expect(later.filter((record) => isError(record))).toEqual([]);
    expect(later.filter((record) => record["event"] === "http.request" && record["path"] === "/v1/runs")).toEqual([]);
  });

  it.each([2, 8, 32])("answers a %i MiB body with a 413 envelope that Node's fetch reads", async (mebibytes) => {
    const body = JSON.stringify({
      workflowId: "conformance-noop",
      inputs: { blob: "x".repeat(mebibytes * 1_048_576) },
    });
    const result = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(apiKey), "content-type": "application/json" },
      body,
    });
    expect(result.status).toBe(413);
    expect(result.json).toMatchObject({ error: "validation_error", details: { maxBytes: 1_048_576 } });
  });

  it("answers a chunked body that grows past the limit with the 413 envelope", async () => {
    const chunk = new TextEncoder().encode("x".repeat(65_536));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0)
          controller.enqueue(new TextEncoder().encode('{"workflowId":"conformance-noop","inputs":{"a":"'));
        if (sent++ >= 40) {
          controller.enqueue(new TextEncoder().encode('"}}'));
          controller.close();
        } else controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${host.url}/v1/runs`, {
      method: "POST",
      headers: { ...bearer(apiKey), "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "validation_error", details: { maxBytes: 1_048_576 } });
  });

  it("accepts a body exactly as deep as the advertised limit and refuses one level more", async () => {
    const discovery = (await request(host.url, "/.well-known/openwop")).json as { limits: { maxJsonDepth: number } };
    expect(discovery.limits.maxJsonDepth).toBe(64);
    // The body is depth 1, `inputs` 2, so `a` holds arrays from depth 3 on.
    const withArrays = (count: number) =>
      `{"workflowId":"conformance-noop","inputs":{"a":${"[".repeat(count)}${"]".repeat(count)}}}`;
    const post = (body: string) =>
      request(host.url, "/v1/runs", {
        method: "POST",
        headers: { ...bearer(apiKey), "content-type": "application/json" },
        body,
      });
    expect((await post(withArrays(62))).status).toBe(201);
    const refused = await post(withArrays(63));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: "validation_error", details: { maxDepth: 64, reason: "too_deep" } });
  });

  it("collects garbage once a burst of at least 256 connections has closed and settled", async () => {
    const before = logs.lines.length;
    const sockets = await Promise.all(
      Array.from(
        { length: 300 },
        () =>
          new Promise<Socket>((resolve) => {
            // One answered request each, so the host has really accepted every connection; keep-alive holds it open.
            const socket = connect(host.port, "127.0.0.1", () =>
              socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
            );
            socket.once("data", () => resolve(socket));
            socket.on("error", () => undefined);
          }),
      ),
    );
    for (const socket of sockets) socket.destroy();
    const deadline = Date.now() + 10_000;
    let reclaimed: Record<string, unknown> | undefined;
    while (reclaimed === undefined && Date.now() < deadline) {
      reclaimed = logs
        .records()
        .slice(before)
        .find((record) => record["event"] === "host.memory_reclaimed");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reclaimed, "no host.memory_reclaimed record within 10 s of 300 connections closing").toBeDefined();
    expect(Number(reclaimed?.["closed"])).toBeGreaterThanOrEqual(300);
  });

  it("keeps serving after all of it", async () => {
    expect((await request(host.url, "/readyz")).status).toBe(200);
  });
});
