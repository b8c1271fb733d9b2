/** One bad request and the canonical answer it must get. */
export interface MalformedRequest {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Send no Authorization header. */
  auth?: false;
  status: number;
  code?: string;
}

const runs = "/v1/runs";
const json = { "content-type": "application/json" };

/** A table of malformed bodies, headers, paths and queries; each must get a 4xx envelope. */
export const MALFORMED_REQUESTS: readonly MalformedRequest[] = [
  { name: "unversioned path", method: "GET", path: "/runs", status: 400 },
  { name: "unversioned root", method: "GET", path: "/", status: 400 },
  { name: "unknown v1 route", method: "GET", path: "/v1/nothing-here", status: 404, code: "not_found" },
  { name: "wrong method on a run", method: "DELETE", path: "/v1/runs/abc", status: 405 },
  { name: "body that is not JSON", method: "POST", path: runs, headers: json, body: "{not json", status: 400, code: "validation_error" },
  { name: "truncated JSON", method: "POST", path: runs, headers: json, body: '{"workflowId": "conformance-noop"', status: 400, code: "validation_error" },
  { name: "empty body", method: "POST", path: runs, headers: json, body: "", status: 400, code: "validation_error" },
  { name: "JSON array body", method: "POST", path: runs, body: [], status: 400, code: "validation_error" },
  { name: "JSON string body", method: "POST", path: runs, headers: json, body: '"conformance-noop"', status: 400, code: "validation_error" },
  { name: "JSON null body", method: "POST", path: runs, headers: json, body: "null", status: 400, code: "validation_error" },
  { name: "missing workflowId", method: "POST", path: runs, body: { inputs: {} }, status: 400, code: "validation_error" },
  { name: "numeric workflowId", method: "POST", path: runs, body: { workflowId: 7 }, status: 400, code: "validation_error" },
  { name: "empty workflowId", method: "POST", path: runs, body: { workflowId: "" }, status: 400, code: "validation_error" },
  { name: "unknown workflow", method: "POST", path: runs, body: { workflowId: "no-such-workflow" }, status: 400, code: "validation_error" },
  { name: "inputs not an object", method: "POST", path: runs, body: { workflowId: "conformance-noop", inputs: [1] }, status: 400, code: "validation_error" },
  { name: "unknown top-level field", method: "POST", path: runs, body: { workflowId: "conformance-noop", surprise: true }, status: 400, code: "validation_error" },
  { name: "tags not an array", method: "POST", path: runs, body: { workflowId: "conformance-noop", tags: "a" }, status: 400, code: "validation_error" },
  { name: "too many tags", method: "POST", path: runs, body: { workflowId: "conformance-noop", tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }, status: 400, code: "validation_error" },
  { name: "recursionLimit zero", method: "POST", path: runs, body: { workflowId: "conformance-noop", configurable: { recursionLimit: 0 } }, status: 400, code: "validation_error" },
  { name: "recursionLimit fractional", method: "POST", path: runs, body: { workflowId: "conformance-noop", configurable: { recursionLimit: 2.5 } }, status: 400, code: "validation_error" },
  { name: "missing required input", method: "POST", path: runs, body: { workflowId: "conformance-identity", inputs: {} }, status: 400, code: "validation_error" },
  { name: "input of the wrong type", method: "POST", path: runs, body: { workflowId: "conformance-delay", inputs: { delayMs: "soon" } }, status: 400, code: "validation_error" },
  { name: "input above its maximum", method: "POST", path: runs, body: { workflowId: "conformance-delay", inputs: { delayMs: 99_999_999 } }, status: 400, code: "validation_error" },
  { name: "non-JSON content type", method: "POST", path: runs, headers: { "content-type": "text/plain" }, body: '{"workflowId":"conformance-noop"}', status: 415 },
  { name: "oversize body", method: "POST", path: runs, headers: json, body: JSON.stringify({ workflowId: "conformance-noop", metadata: { blob: "x".repeat(1_100_000) } }), status: 413 },
  { name: "Idempotency-Key too long", method: "POST", path: runs, headers: { "idempotency-key": "k".repeat(256) }, body: { workflowId: "conformance-noop" }, status: 400, code: "validation_error" },
  { name: "Idempotency-Key with spaces", method: "POST", path: runs, headers: { "idempotency-key": "has spaces" }, body: { workflowId: "conformance-noop" }, status: 400, code: "validation_error" },
  { name: "no Authorization header", method: "POST", path: runs, auth: false, body: { workflowId: "conformance-noop" }, status: 401, code: "unauthenticated" },
  { name: "Basic instead of Bearer", method: "GET", path: "/v1/runs/abc", auth: false, headers: { authorization: "Basic dXNlcjpwYXNz" }, status: 401, code: "unauthenticated" },
  { name: "Bearer with no key", method: "GET", path: "/v1/runs/abc", auth: false, headers: { authorization: "Bearer " }, status: 401, code: "unauthenticated" },
  { name: "unknown run", method: "GET", path: "/v1/runs/run-does-not-exist", status: 404, code: "not_found" },
  { name: "poll of an unknown run", method: "GET", path: "/v1/runs/run-does-not-exist/events/poll", status: 404, code: "not_found" },
  { name: "cancel of an unknown run", method: "POST", path: "/v1/runs/run-does-not-exist/cancel", status: 404, code: "not_found" },
  { name: "poll cursor not a number", method: "GET", path: "/v1/runs/run-x/events/poll?lastSequence=abc", status: 400, code: "validation_error" },
  { name: "poll cursor negative", method: "GET", path: "/v1/runs/run-x/events/poll?lastSequence=-1", status: 400, code: "validation_error" },
  { name: "poll timeout above 60", method: "GET", path: "/v1/runs/run-x/events/poll?timeout=61", status: 400, code: "validation_error" },
  { name: "SSE with a bad Last-Event-ID", method: "GET", path: "/v1/runs/run-x/events", headers: { "last-event-id": "seven" }, status: 400, code: "validation_error" },
  { name: "SSE with an unknown stream mode", method: "GET", path: "/v1/runs/run-x/events?streamMode=loud", status: 400, code: "unsupported_stream_mode" },
  { name: "SSE mixing values with updates", method: "GET", path: "/v1/runs/run-x/events?streamMode=values,updates", status: 400, code: "unsupported_stream_mode" },
  { name: "interrupt without a body", method: "POST", path: "/v1/runs/run-x/interrupts/gate", status: 400, code: "validation_error" },
  { name: "cancel with a non-object body", method: "POST", path: "/v1/runs/run-x/cancel", headers: json, body: "[1,2]", status: 400, code: "validation_error" },
  { name: "unknown workflow definition", method: "GET", path: "/v1/workflows/not-a-workflow", status: 404, code: "not_found" },
];
