import { describe, expect, it } from "vitest";
import { junkVerdict, laxAnswer, laxVerdict, type SeenRequest } from "./junk-requests.js";

const request = (
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): SeenRequest => ({
  method,
  url,
  headers,
  body: body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"),
});

describe("junk-accepted: what the lax host lets through", () => {
  it("lets through what only type and encoding checks would refuse, and crashes on null bodies and junk ids", () => {
    const cases: Array<[SeenRequest, "accept" | "crash"]> = [
      [request("POST", "/v1/runs", "null"), "crash"],
      [request("POST", "/v1/runs", '"conformance-noop"'), "accept"],
      [request("POST", "/v1/runs", '{"workflowId":"conformance-noop","inputs":"x"}'), "accept"],
      [request("POST", "/v1/runs", '{"workflowId":"conformance-noop","surprise":true}'), "accept"],
      [request("POST", "/v1/runs", Buffer.from([0x7b, 0xff, 0x7d])), "accept"],
      [request("POST", "/v1/runs/run-1/cancel", '{"reason":5}'), "accept"],
      [request("POST", "/v1/keys/key-1/rotate", '{"graceSeconds":"60"}'), "accept"],
      [request("GET", "/v1/runs/run-1/events/poll?lastSequence=abc"), "accept"],
      [request("GET", "/v1/runs/run-1/debug-bundle?maxEvents=1.5"), "accept"],
      [request("POST", "/v1/runs", "{}", { "idempotency-key": "has spaces" }), "accept"],
      [request("GET", `/v1/runs/${"r".repeat(300)}`), "crash"],
      [request("GET", "/v1/runs/run%00x"), "crash"],
      [request("GET", "/v1/runs/run%FF%FE"), "crash"],
    ];
    for (const [seen, verdict] of cases) expect(junkVerdict(seen), `${seen.method} ${seen.url}`).toBe(verdict);
  });

  it("refuses, as the real host does, what the suite's other scenarios send to be refused", () => {
    const refused = [
      request("POST", "/v1/runs", '{"workflowId": "conformance-noop"'),
      request("POST", "/v1/runs", "[]"),
      request("POST", "/v1/runs", "{}"),
      request("POST", "/runs", '{"workflowId":"conformance-noop"}'),
      request("POST", "/v1/runs/run-1/interrupts/gate", '{"resumeValue":{"action":"maybe"}}'),
      request("POST", "/v1/webhooks", '{"url":"https://192.0.2.10/x","events":[],"secret":"short"}'),
      request("POST", "/v1/keys", '{"scopes":["runs:read"],"expiresAt":"2000-01-01T00:00:00Z"}'),
      request("GET", "/v1/events?after=not-a-cursor-this-host-issued"),
      request("GET", "/v1/keys?cursor=bogus&limit=10"),
      request("GET", "/v1/keys/failures?since=not-a-date"),
      request("GET", "/v1/runs/run-1/events?streamMode=loud", undefined, { "last-event-id": "not-a-number" }),
      request("POST", "/v1/runs", '{"workflowId":"conformance-noop"}', { "idempotency-key": "a-UUID.like_key~1" }),
    ];
    for (const seen of refused) expect(junkVerdict(seen), `${seen.method} ${seen.url}`).toBeUndefined();
  });

  it("replaces only refusals, and every 413", () => {
    expect(laxVerdict(400, "accept")).toBe("accept");
    expect(laxVerdict(404, "accept")).toBeUndefined();
    expect(laxVerdict(404, "crash")).toBe("crash");
    expect(laxVerdict(200, "accept")).toBeUndefined();
    expect(laxVerdict(409, "accept")).toBeUndefined();
    expect(laxVerdict(413, undefined)).toBe("accept");
    expect(laxVerdict(400, undefined)).toBeUndefined();
  });

  it("answers creations 201, replays 202, other successes 200 and crashes 500 with the envelope", () => {
    expect(laxAnswer(request("POST", "/v1/runs"), "accept").status).toBe(201);
    expect(laxAnswer(request("POST", "/v1/keys/key-1/rotate"), "accept").status).toBe(201);
    expect(laxAnswer(request("POST", "/v1/webhooks/wh-1/dead-letters/replay"), "accept").status).toBe(202);
    expect(laxAnswer(request("GET", "/v1/runs/run-1/events/poll?timeout=abc"), "accept").status).toBe(200);
    const crash = laxAnswer(request("POST", "/v1/runs"), "crash");
    expect(crash.status).toBe(500);
    expect(crash.body).toMatchObject({ error: "internal_error", details: { correlationId: "fault-proxy" } });
  });
});
