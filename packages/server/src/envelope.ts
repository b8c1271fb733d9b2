import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ProtocolError } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";
import type { ErrorEnvelope } from "@openwop/types";

/** The envelope of a refusal; JSON throughout, since a ProtocolError's details are. */
export function envelopeOf(error: ProtocolError): ErrorEnvelope & JsonObject {
  return { error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
}

/**
 * Sends a ProtocolError as the canonical envelope — the one place error bodies are built,
 * and the one place `Retry-After` is set: whenever the refusal carries a retry hint in
 * `details.retryAfter`, the header repeats it (spec/v1/core.md §13.2).
 */
export function sendError(c: Context, error: ProtocolError, headers: Record<string, string> = {}): Response {
  const retryAfter = error.details?.["retryAfter"];
  if (typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(envelopeOf(error), error.status as ContentfulStatusCode);
}
