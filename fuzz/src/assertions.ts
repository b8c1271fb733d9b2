import { expectErrorEnvelope, type HttpResult } from "@openwop/server/testing";
import type { BodyFacts, FuzzTargets } from "./bodies.js";
import { hasGoodAuth, targetOf, type FuzzCase } from "./requests.js";
import type { DocumentedErrors } from "./routes.js";
import { hasControlChar, isUnstorable, percentEncode } from "./strings.js";
import { preview, type WireOutcome, type WireResponse } from "./wire.js";

/**
 * The oracle. General rules hold for every request whatever it contains: an answer, never a
 * 5xx, and every 4xx in the canonical envelope. Targeted rules (core.md §2.2) hold only where
 * the request isolates one variable, so a failure names one defect.
 */

/** A wire response as the shared HTTP assertions read it (`@openwop/server/testing`). */
export function toHttpResult(response: WireResponse): HttpResult {
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    try {
      headers.append(name, value);
    } catch {
      throw new Error(`the host sent a header fetch cannot hold: ${name}: ${JSON.stringify(value)}`);
    }
  }
  const text = response.body.toString("utf8");
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers, text, json };
}

/** Not a 5xx; a 4xx (other than to HEAD, which has no body) carries the envelope. */
export function expectSoundResponse(response: WireResponse, method: string): HttpResult {
  const result = toHttpResult(response);
  if (response.status >= 500) {
    throw new Error(`the host answered ${response.status}: ${preview(response.body)}`);
  }
  if (response.status >= 400 && method !== "HEAD") {
    if (response.body.length === 0)
      throw new Error(`the host answered ${response.status} with no body, not the error envelope`);
    expectErrorEnvelope(result, response.status);
  }
  return result;
}

/** Exactly one sound answer to one request on its connection. */
export function expectOneSoundAnswer(outcome: WireOutcome, method: string): HttpResult {
  const [response] = outcome.responses;
  if (!response) {
    const how =
      outcome.ending === "timeout"
        ? "did not answer in time"
        : outcome.ending === "reset"
          ? "reset the connection without answering"
          : "closed the connection without answering";
    throw new Error(`the host ${how}${outcome.garbage ? `; it sent ${outcome.garbage}` : ""}`);
  }
  return expectSoundResponse(response, method);
}

function detailsOf(result: HttpResult): Record<string, unknown> {
  const details = (result.json as { details?: unknown } | undefined)?.details;
  return details !== null && typeof details === "object" ? (details as Record<string, unknown>) : {};
}

/** The host's bound on a request's header section, request line included (packages/server/src/http-server.ts). */
const MAX_HEADER_SECTION_BYTES = 16_384;
/** How far from the bound a case is left unjudged: framing bytes the estimate does not count. */
const HEADER_SECTION_SLACK_BYTES = 1_024;

/**
 * Whether a case's header section is over the host's bound (then it is refused `431` before
 * any parameter is looked at), under it, or too close to tell from the outside.
 */
function headerSection(request: FuzzCase): "over" | "under" | "unclear" {
  const bytes =
    Buffer.byteLength(`${request.method} ${targetOf(request)} HTTP/1.1\r\n`) +
    request.headers.reduce((sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`), 0);
  if (bytes > MAX_HEADER_SECTION_BYTES + HEADER_SECTION_SLACK_BYTES) return "over";
  if (bytes < MAX_HEADER_SECTION_BYTES - HEADER_SECTION_SLACK_BYTES) return "under";
  return "unclear";
}

/** True when the case was judged by the header-section rule, which comes before the others. */
function judgedByHeaderSection(request: FuzzCase, result: HttpResult): boolean {
  const section = headerSection(request);
  if (section === "under") return false;
  if (section === "over") expectCode(result, 431, "validation_error", "a header section over 16 KiB");
  return true;
}

function expectCode(result: HttpResult, status: number, code: string, why: string): Record<string, unknown> {
  const body = result.json as { error?: unknown } | undefined;
  if (result.status !== status || body?.error !== code) {
    throw new Error(`${why}: expected ${status} ${code}, got ${result.status} ${preview(Buffer.from(result.text))}`);
  }
  return detailsOf(result);
}

function hasControlCharInHeaders(request: FuzzCase): boolean {
  return request.headers.some(([name, value]) => hasControlChar(name) || hasControlChar(value.replace(/\t/g, " ")));
}

/** Routes whose body is read before anything else is looked up: the body rules can be asserted exactly there. */
export const BODY_FIRST_ROUTES: ReadonlySet<string> = new Set(["POST /v1/runs", "POST /v1/keys", "POST /v1/webhooks"]);

/**
 * The body rules of core.md §2.2 on a request that is otherwise acceptable (the bootstrap key,
 * a JSON Content-Type, a body-first route): over the size limit 413; not UTF-8 400; nested
 * deeper than the limit 400 with `details.maxDepth`; NUL or a lone surrogate 400; and a body
 * within the depth limit is never refused for its depth.
 */
export function expectBodyRules(request: FuzzCase, facts: BodyFacts, result: HttpResult, targets: FuzzTargets): void {
  if (!BODY_FIRST_ROUTES.has(`${request.method} ${request.route}`) || !hasGoodAuth(request, targets.apiKey)) return;
  const size = facts.bytes?.length ?? 0;
  if (size > targets.maxRequestBodyBytes) {
    const details = expectCode(result, 413, "validation_error", `a ${size}-byte body`);
    if (details["maxBytes"] !== targets.maxRequestBodyBytes)
      throw new Error(`413 without details.maxBytes = ${targets.maxRequestBodyBytes}: ${result.text}`);
    return;
  }
  if (size === 0) return;
  if (!facts.validUtf8) {
    expectCode(result, 400, "validation_error", "a body that is not UTF-8");
    return;
  }
  if (!facts.json) return;
  if (facts.depth > targets.maxJsonDepth && facts.unstorable) {
    // Two violations: the host may name either.
    expectCode(result, 400, "validation_error", `a body ${facts.depth} levels deep with U+0000 or a lone surrogate`);
    return;
  }
  if (facts.depth > targets.maxJsonDepth) {
    const details = expectCode(
      result,
      400,
      "validation_error",
      `a body ${facts.depth} levels deep (limit ${targets.maxJsonDepth})`,
    );
    if (details["maxDepth"] !== targets.maxJsonDepth)
      throw new Error(`a too-deep body refused without details.maxDepth = ${targets.maxJsonDepth}: ${result.text}`);
    return;
  }
  // Members may have tighter bounds of their own (`metadata` nests at most 4 deep): only the body-wide limit is checked here.
  if (result.status === 400 && detailsOf(result)["field"] === "body" && detailsOf(result)["maxDepth"] !== undefined) {
    throw new Error(
      `a body ${facts.depth} levels deep (limit ${targets.maxJsonDepth}) refused for its depth: ${result.text}`,
    );
  }
  if (facts.unstorable)
    expectCode(result, 400, "validation_error", "a body with U+0000 or a lone surrogate in a string or member name");
}

/** Whether a request varies only its path parameters: the bootstrap key, the route's method, no query. */
function isolatesParams(request: FuzzCase, targets: FuzzTargets): boolean {
  return hasGoodAuth(request, targets.apiKey) && request.query.length === 0 && request.rawQuery === "";
}

/**
 * The path-parameter rule: an id over 256 characters, with a control character or escapes
 * that are not UTF-8 is a 400 `validation_error` naming the parameter, on every storage; a
 * valid id nobody has is a 404.
 */
export function expectParamRules(request: FuzzCase, result: HttpResult, targets: FuzzTargets): void {
  if (!isolatesParams(request, targets)) return;
  if (judgedByHeaderSection(request, result)) return;
  const params = Object.entries(request.params);
  // `/v1/keys/self` and `/v1/keys/failures` are routes of their own, not key ids.
  if (params.some(([, param]) => ["self", "failures"].includes(param.encoded))) return;
  const invalid = params.filter(([, param]) => param.verdict === "invalid").map(([name]) => name);
  if (invalid.length > 0) {
    if (params.some(([, param]) => param.verdict === "unclear")) return;
    const details = expectCode(
      result,
      400,
      "validation_error",
      `path parameter ${invalid.join(", ")} ${params.map(([n, p]) => `${n}=${p.encoded.slice(0, 60)}`).join(" ")}`,
    );
    if (!invalid.includes(String(details["field"])))
      throw new Error(`400 for ${invalid.join(", ")} names field ${String(details["field"])}: ${result.text}`);
    return;
  }
  if (
    params.length > 0 &&
    params.every(([, param]) => param.verdict === "valid" && !param.known) &&
    result.status !== 404
  ) {
    throw new Error(
      `unknown ids ${params.map(([n, p]) => `${n}=${p.encoded.slice(0, 60)}`).join(" ")}: expected 404, got ${result.status} ${preview(Buffer.from(result.text))}`,
    );
  }
}

/**
 * The query rule: a parameter the route reads that holds a control character, or is not
 * UTF-8 text, is a 400 naming it (a route's own refusal code, such as
 * `unsupported_stream_mode`, also answers it).
 */
export function expectQueryRules(
  request: FuzzCase,
  ownNames: readonly string[],
  result: HttpResult,
  targets: FuzzTargets,
): void {
  // Query parameters are read by GET routes only (a POST to `/v1/keys` ignores `cursor`).
  if (
    request.method !== "GET" ||
    !hasGoodAuth(request, targets.apiKey) ||
    request.rawQuery !== "" ||
    request.query.length !== 1
  )
    return;
  const [pair] = request.query;
  if (!pair || !ownNames.includes(pair[0])) return;
  if (judgedByHeaderSection(request, result)) return;
  // What the host receives: the value percent-encoded, lone surrogates as bytes that are not UTF-8.
  const why = hasControlChar(pair[1])
    ? isUnstorable(pair[1])
      ? "a control character, and a lone surrogate sent as bytes that are not UTF-8"
      : "a control character"
    : isUnstorable(pair[1])
      ? "a lone surrogate, sent as bytes that are not UTF-8"
      : undefined;
  if (why === undefined) return;
  if (result.status !== 400)
    throw new Error(
      `query ${pair[0]}=${percentEncode(pair[1])} holds ${why}: expected 400, got ${result.status} ${preview(Buffer.from(result.text))}`,
    );
  const body = result.json as { error?: unknown } | undefined;
  if (body?.error === "validation_error" && detailsOf(result)["field"] !== pair[0]) {
    throw new Error(`400 for query ${pair[0]} names field ${String(detailsOf(result)["field"])}: ${result.text}`);
  }
}

/**
 * A refusal of a served operation is one its OpenAPI entry lists (`x-openwop-error-codes` by
 * status), so a client generated from the document knows every answer it can get. Asserted
 * where the request is readable HTTP with the bootstrap key, on the operation's own method.
 */
export function expectDocumentedRefusal(request: FuzzCase, result: HttpResult, documented: DocumentedErrors): void {
  if (result.status < 400 || result.status >= 500) return;
  // Dot segments and malformed escapes are normalized by URL parsing onto another route (`/v1/webhooks/./pause`).
  if (Object.values(request.params).some((param) => param.verdict === "unclear")) return;
  // A request the HTTP parser refused (a NUL in a header, a header section over the limit) never reached an operation.
  if (hasControlCharInHeaders(request) || ["request", "headers"].includes(String(detailsOf(result)["field"]))) return;
  const operation = `${request.method} ${request.route}`;
  const byStatus = documented.get(operation);
  if (!byStatus) return;
  const code = String((result.json as { error?: unknown } | undefined)?.error);
  if (!byStatus.get(result.status)?.has(code)) {
    const listed = [...byStatus].map(([status, codes]) => `${status} ${[...codes].join("/")}`).join(", ");
    throw new Error(
      `${operation} answered ${result.status} ${code}, which its OpenAPI entry does not list (${listed})`,
    );
  }
}
