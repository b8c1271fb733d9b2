import type { IncomingHttpHeaders } from "node:http";

/**
 * The `junk-accepted` fault: the proxy plays a host that validates syntax and required members
 * but nothing else. It does not check member types or unknown members, the encoding of a body,
 * its size, integer query parameters or Idempotency-Key; its handlers crash on a `null` body and
 * its storage crashes on ids no host issues. Refusals the real host gave such requests are
 * replaced with what that lax host would have answered; every other answer passes untouched.
 */

/** What the lax host does with a request it does not validate: succeeds, or fails with a 500. */
export type JunkVerdict = "accept" | "crash";

export interface SeenRequest {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

type JsonType = "string" | "number" | "object" | "array" | "any";

/** The top-level members of each request body the suite sends, and their JSON types (schemas/*-request.schema.json). */
const BODY_MEMBERS: ReadonlyArray<readonly [RegExp, Readonly<Record<string, JsonType>>]> = [
  [
    /^\/v1\/runs$/,
    {
      workflowId: "string",
      inputs: "object",
      tenantId: "string",
      scopeId: "string",
      callbackUrl: "string",
      configurable: "object",
      tags: "array",
      metadata: "object",
    },
  ],
  [/^\/v1\/runs\/[^/]+\/cancel$/, { reason: "string" }],
  [/^\/v1\/runs\/[^/]+\/interrupts\/[^/]+$/, { resumeValue: "any" }],
  [
    /^\/v1\/webhooks$/,
    { url: "string", events: "array", tenantId: "string", tags: "array", secret: "string", signature: "string" },
  ],
  [
    /^\/v1\/webhooks\/[^/]+\/dead-letters\/replay$/,
    { since: "string", until: "string", eventTypes: "array", limit: "number" },
  ],
  [/^\/v1\/keys$/, { scopes: "array", kind: "string", label: "string", expiresAt: "string" }],
  [/^\/v1\/keys\/[^/]+\/rotate$/, { graceSeconds: "number" }],
];

/** Query parameters each route defines as integers (stream-modes.md §2.1, §4.1; debug-bundle.md §5.2; the list limits). */
const INTEGER_PARAMETERS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^\/v1\/runs\/[^/]+\/events\/poll$/, ["lastSequence", "since", "timeout"]],
  [/^\/v1\/runs\/[^/]+\/events$/, ["bufferMs"]],
  [/^\/v1\/runs\/[^/]+\/debug-bundle$/, ["maxEvents"]],
  [/^\/v1\/(keys|webhooks|webhooks\/[^/]+\/deliveries)$/, ["limit"]],
  [/^\/v1\/events$/, ["limit", "wait"]],
];

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._~-]{1,255}$/;

const typeOf = (value: unknown): JsonType | "null" | "boolean" =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : typeof value === "object"
        ? "object"
        : (typeof value as "string" | "number" | "boolean");

/** What the lax host would do with this request, or `undefined` when it would refuse it as the real host does. */
export function junkVerdict(request: SeenRequest): JunkVerdict | undefined {
  const [path = "/", query = ""] = request.url.split("?", 2);
  if (path.split("/").some((segment) => segment.length > 256 || junkSegment(segment))) return "crash";
  const key = request.headers["idempotency-key"];
  if (typeof key === "string" && !IDEMPOTENCY_KEY.test(key)) return "accept";
  const parameters = new URLSearchParams(query);
  const integers = INTEGER_PARAMETERS.find(([route]) => route.test(path))?.[1] ?? [];
  if (integers.some((name) => parameters.has(name) && !/^-?[0-9]+$/.test(parameters.get(name) ?? ""))) return "accept";
  if (request.body.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(request.body);
  } catch {
    return "accept";
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  const type = typeOf(body);
  if (type === "null") return "crash";
  if (type === "string" || type === "number" || type === "boolean") return "accept";
  if (type !== "object") return undefined;
  const members = BODY_MEMBERS.find(([route]) => route.test(path))?.[1];
  if (members === undefined) return undefined;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const expected = members[name];
    if (expected === undefined) return "accept";
    if (expected !== "any" && typeOf(value) !== expected) return "accept";
  }
  return undefined;
}

function junkSegment(segment: string): boolean {
  try {
    return [...decodeURIComponent(segment)].some((character) => {
      const code = character.codePointAt(0) ?? 0;
      return code < 0x20 || code === 0x7f;
    });
  } catch {
    // Percent-encoded bytes that are not UTF-8.
    return true;
  }
}

/**
 * Whether the host's answer is a refusal the lax host would not have given; `verdict` is the
 * request's. A 413 is always one: the lax host has no size limit, whatever the body holds.
 */
export function laxVerdict(status: number, verdict: JunkVerdict | undefined): JunkVerdict | undefined {
  if (status === 413) return verdict ?? "accept";
  if (verdict === undefined) return undefined;
  return [400, 415, 422].includes(status) || (verdict === "crash" && status === 404) ? verdict : undefined;
}

/** The lax host's answer: a success with an empty object, or a 500 with the envelope. */
export function laxAnswer(
  request: SeenRequest,
  verdict: JunkVerdict,
): { status: number; body: Record<string, unknown> } {
  if (verdict === "crash") {
    return {
      status: 500,
      body: {
        error: "internal_error",
        message: "The request could not be processed.",
        details: { correlationId: "fault-proxy" },
      },
    };
  }
  const path = request.url.split("?", 1)[0] ?? "/";
  const creates = request.method === "POST" && /^\/v1\/(runs|webhooks|keys)$|^\/v1\/keys\/[^/]+\/rotate$/.test(path);
  const requeues = request.method === "POST" && /\/replay$/.test(path);
  return { status: creates ? 201 : requeues ? 202 : 200, body: {} };
}
