import type { ErrorEnvelope } from "@openwop/types";

/**
 * Two families of failure, kept apart on purpose: a {@link WireError} is an answer the
 * host gave (it spoke the protocol and said no), a {@link LocalClientError} means no
 * usable answer arrived (timeout, connection loss, a body that is not the documented shape). Conformance code
 * relies on the split to tell "host wrong" from "host not observed".
 */

/** True when `value` has the envelope's two required string fields. Extra keys are not judged here. */
export function looksLikeErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.error === "string" && typeof record.message === "string";
}

/**
 * A non-2xx answer from the host. `envelope` is present when the body had the envelope's
 * shape; `body` always holds whatever was parsed, so callers can judge malformed errors.
 */
export class WireError extends Error {
  override readonly name = "WireError";
  readonly status: number;
  readonly envelope: ErrorEnvelope | undefined;
  readonly body: unknown;
  readonly headers: Headers;

  constructor(init: { status: number; body: unknown; headers: Headers; method: string; path: string }) {
    const envelope = looksLikeErrorEnvelope(init.body) ? init.body : undefined;
    const what = envelope ? `${envelope.error}: ${envelope.message}` : "no error envelope";
    super(`${init.method} ${init.path} → ${init.status} (${what})`);
    this.status = init.status;
    this.envelope = envelope;
    this.body = init.body;
    this.headers = init.headers;
  }

  /** The envelope's `error` code, when there was an envelope. */
  get code(): string | undefined {
    return this.envelope?.error;
  }
}

/** Base class for failures on our side of the wire. */
export class LocalClientError extends Error {
  override readonly name: string = "LocalClientError";
}

/** The host did not answer (or the condition waited for did not happen) within the bound. */
export class TimeoutError extends LocalClientError {
  override readonly name = "TimeoutError";
}

/** The connection failed before a response arrived. */
export class TransportError extends LocalClientError {
  override readonly name = "TransportError";
}

/**
 * The host answered 2xx but with a body this client cannot read as the documented shape.
 * (Not a refusal: a host that says no raises {@link WireError}.)
 */
export class UnreadableResponseError extends LocalClientError {
  override readonly name = "UnreadableResponseError";
}
