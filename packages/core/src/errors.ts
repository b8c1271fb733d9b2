import type { JsonObject } from "@openwop/storage";

/**
 * An error the protocol answers with the canonical envelope `{error, message, details?}`.
 * The engine raises these for caller mistakes and protocol outcomes; the server renders
 * them without knowing where they came from.
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
  }
}

export const validationError = (message: string, details?: JsonObject): ProtocolError =>
  new ProtocolError(400, "validation_error", message, details);

export const notFound = (message: string, details?: JsonObject): ProtocolError =>
  new ProtocolError(404, "not_found", message, details);

/** The backpressure answer: 503 with the retry hint the `Retry-After` header repeats. */
export const serviceUnavailable = (message: string, retryAfterSeconds: number, details?: JsonObject): ProtocolError =>
  new ProtocolError(503, "service_unavailable", message, { ...details, retryAfter: retryAfterSeconds });

/** A run error as recorded on the snapshot and in `run.failed`. */
export interface RunFailure {
  code: string;
  message: string;
  details?: JsonObject;
}
