import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ProtocolError } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";

/** The canonical error body: exactly `{error, message, details?}`, nothing else. */
export interface ErrorEnvelope {
  error: string;
  message: string;
  details?: JsonObject;
}

export function envelopeOf(error: ProtocolError): ErrorEnvelope {
  return { error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
}

/** Sends a ProtocolError as the canonical envelope — the one place error bodies are built. */
export function sendError(c: Context, error: ProtocolError, headers: Record<string, string> = {}): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(envelopeOf(error), error.status as ContentfulStatusCode);
}
