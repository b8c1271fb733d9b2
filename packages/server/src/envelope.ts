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
 * and the one place their headers are decided: whenever the refusal carries a retry hint in
 * `details.retryAfter`, `Retry-After` repeats it (spec/v1/core.md §13.2), and every 401 says
 * how to authenticate (`WWW-Authenticate: Bearer`, auth.md §4.1, §10.8).
 */
export function sendError(c: Context, error: ProtocolError, headers: Record<string, string> = {}): Response {
  const retryAfter = error.details?.["retryAfter"];
  if (typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
  if (error.status === 401) c.header("WWW-Authenticate", 'Bearer realm="openwop"');
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(envelopeOf(error), error.status as ContentfulStatusCode);
}
