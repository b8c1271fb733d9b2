import type { RawResponse } from "@openwop/client";
import { validateErrorEnvelope } from "@openwop/schema";
import type { ScenarioContext } from "../runner/scenario.js";

/**
 * A battery of malformed requests, each with the answer the contract requires. The runner
 * sends every probe of a battery before judging, so one failure message lists every request
 * a host got wrong (what was sent, what was required, what came back), not just the first.
 */

/** The error envelope of core.md §13.1, as a refusal carries it. */
export interface Envelope {
  readonly error: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A request body: a JSON value (serialized here, so `null` is sent as `null`), raw text, or raw bytes. */
export type ProbeBody = { readonly json: unknown } | { readonly text: string } | { readonly bytes: Uint8Array };

/** What a probe's answer must be. */
export interface ProbeExpectation {
  /** The required answer in words, for the failure message ("400 validation_error"). */
  readonly describe: string;
  /** Refusal statuses that satisfy the probe; each must carry the envelope with one of `codes`. */
  readonly refusals: readonly number[];
  readonly codes: readonly string[];
  /**
   * Statuses that also satisfy it without an envelope: the success a host may answer where the
   * contract lets it ignore the fault, or the only answer allowed where it must ignore it.
   */
  readonly accepted?: readonly number[];
  /** A further requirement on the refusal's envelope: a problem in words, or `undefined`. */
  readonly check?: (envelope: Envelope) => string | undefined;
}

export interface Probe {
  /** What was sent besides method and path, in words ("body `null`"). */
  readonly sent: string;
  readonly method: "GET" | "POST" | "DELETE";
  readonly path: string;
  readonly body?: ProbeBody;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sends the body as a stream, so the request has no Content-Length (a limit must not rely on it). */
  readonly chunked?: boolean;
  readonly expect: ProbeExpectation;
}

/** The answer one probe got, for scenarios that clean up what a lax host created. */
export interface ProbeAnswer {
  readonly probe: Probe;
  readonly response?: RawResponse;
}

const JSON_CONTENT = { "content-type": "application/json" } as const;

/** `400 validation_error` (or another code and status), with the envelope. */
export function refusal(
  codes: string | readonly string[] = "validation_error",
  statuses: number | readonly number[] = 400,
  check?: ProbeExpectation["check"],
): ProbeExpectation {
  const codeList = typeof codes === "string" ? [codes] : codes;
  const statusList = typeof statuses === "number" ? [statuses] : statuses;
  return {
    describe: `${statusList.join(" or ")} ${codeList.join(" or ")} with the error envelope`,
    refusals: statusList,
    codes: codeList,
    ...(check === undefined ? {} : { check }),
  };
}

/**
 * For faults the contract does not require a host to refuse: it may ignore them (`accepted`)
 * or refuse them with a 4xx and the envelope, but never fail with a 5xx.
 */
export function refusalOrIgnored(accepted: readonly number[], codes: readonly string[]): ProbeExpectation {
  return {
    describe: `${accepted.join(" or ")} (the fault ignored) or a 4xx ${codes.join(" or ")} with the error envelope`,
    refusals: [400, 404, 413, 415, 422],
    codes,
    accepted,
  };
}

/** An answer the contract requires to be a success (a fault that must be ignored). */
export function acceptance(statuses: readonly number[]): ProbeExpectation {
  return { describe: `${statuses.join(" or ")} (the fault ignored)`, refusals: [], codes: [], accepted: statuses };
}

/** core.md §6.3: `details` names the offending member. */
export function namesField(field: string): ProbeExpectation["check"] {
  return (envelope) =>
    JSON.stringify(envelope.details ?? {}).includes(field) ? undefined : `details does not name the field ${field}`;
}

/** Sends every probe in order, then fails once, listing each probe whose answer broke its expectation. */
export async function runProbes(
  context: ScenarioContext,
  battery: string,
  probes: readonly Probe[],
): Promise<readonly ProbeAnswer[]> {
  const answers: ProbeAnswer[] = [];
  const problems: string[] = [];
  for (const probe of probes) {
    let response: RawResponse | undefined;
    let problem: string | undefined;
    try {
      response = await send(context, probe);
      problem = judge(probe.expect, response);
    } catch (error) {
      problem = `no answer (${error instanceof Error ? error.message : String(error)})`;
    }
    answers.push(response === undefined ? { probe } : { probe, response });
    if (problem !== undefined) {
      problems.push(
        `${probe.method} ${shortPath(probe.path)} with ${probe.sent}: expected ${probe.expect.describe}, got ${problem}`,
      );
    }
  }
  const listed = problems.slice(0, 8).map((text, index) => `(${index + 1}) ${text}`);
  if (problems.length > listed.length) listed.push(`and ${problems.length - listed.length} more`);
  context.assert.ok(
    problems.length === 0,
    `${battery}: ${problems.length} of ${probes.length} malformed requests were answered wrongly: ${listed.join("; ")}`,
  );
  return answers;
}

function send(context: ScenarioContext, probe: Probe): Promise<RawResponse> {
  const body = probe.body === undefined ? undefined : encode(probe.body);
  if (probe.chunked === true && body !== undefined) return sendChunked(context, probe, body);
  return context.client.raw(probe.method, probe.path, {
    ...(body === undefined ? {} : { body }),
    headers: { ...(body === undefined ? {} : JSON_CONTENT), ...probe.headers },
    signal: context.signal,
  });
}

/**
 * The client always knows a body's length, so a streamed body goes through `fetch` itself:
 * a request without Content-Length, as a proxy or a streaming client sends it.
 */
async function sendChunked(context: ScenarioContext, probe: Probe, body: string | Uint8Array): Promise<RawResponse> {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const chunkSize = 64 * 1024;
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  const fetchImpl = context.options.fetch ?? globalThis.fetch;
  const init: RequestInit & { duplex: "half" } = {
    method: probe.method,
    headers: {
      accept: "application/json",
      authorization: `Bearer ${context.options.apiKey}`,
      ...JSON_CONTENT,
      ...probe.headers,
    },
    body: stream,
    duplex: "half",
    signal: context.signal,
  };
  const response = await fetchImpl(`${context.options.baseUrl.replace(/\/+$/, "")}${probe.path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length === 0 ? undefined : (JSON.parse(text) as unknown);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

function encode(body: ProbeBody): string | Uint8Array {
  if ("bytes" in body) return body.bytes;
  if ("text" in body) return body.text;
  return JSON.stringify(body.json);
}

/** `undefined` when the answer meets the expectation, otherwise what came back and why it is wrong. */
function judge(expect: ProbeExpectation, response: RawResponse): string | undefined {
  const got = `${response.status} ${excerpt(response)}`;
  if (response.status >= 500) return `${got} (a 5xx answer to a client's fault)`;
  if (expect.accepted?.includes(response.status) === true) return undefined;
  if (!expect.refusals.includes(response.status)) return got;
  const outcome = validateErrorEnvelope(response.body);
  if (!outcome.valid) {
    const first = outcome.errors[0];
    return `${got} (not the error envelope: ${first === undefined ? "invalid" : `${first.path || "/"} ${first.message}`})`;
  }
  const envelope = response.body as Envelope;
  if (!expect.codes.includes(envelope.error)) return `${got} (error code ${envelope.error})`;
  const problem = expect.check?.(envelope);
  return problem === undefined ? undefined : `${got} (${problem})`;
}

/** The first 160 characters of the body, on one line. */
function excerpt(response: RawResponse): string {
  const text = response.text.replace(/\s+/g, " ").trim();
  if (text.length === 0) return "with an empty body";
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** Long or unprintable paths (the path-id probes) are shortened and escaped for the message. */
function shortPath(path: string): string {
  const shown = path.length > 90 ? `${path.slice(0, 60)}…(${path.length} characters)` : path;
  return JSON.stringify(shown).slice(1, -1);
}

/** A JSON object body padded with insignificant whitespace to exactly `size` bytes. */
export function paddedJson(value: Readonly<Record<string, unknown>>, size: number): string {
  const compact = JSON.stringify(value);
  if (!compact.endsWith("}")) throw new Error("paddedJson needs an object");
  const padding = Math.max(0, size - Buffer.byteLength(compact));
  return `${compact.slice(0, -1)}${" ".repeat(padding)}}`;
}

/** A JSON text whose bytes are not valid UTF-8: `before`, two bytes (0xFF 0xFE) that no UTF-8 text holds, then `after`. */
export function invalidUtf8(before: string, after: string): Uint8Array {
  return Buffer.concat([Buffer.from(before, "utf8"), Buffer.from([0xff, 0xfe]), Buffer.from(after, "utf8")]);
}
