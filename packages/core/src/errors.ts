import type { JsonObject } from "@openwop/storage";
import { ERROR_CATALOG, type ErrorCode, type RunError } from "@openwop/types";

/** The statuses the catalog allows for `C`. */
export type StatusOf<C extends ErrorCode> = (typeof ERROR_CATALOG)[C]["statuses"][number];

/**
 * A refusal the host answers with the canonical envelope `{error, message, details?}`. The
 * engine raises these for caller mistakes and protocol outcomes; the server renders them
 * without knowing where they came from. The status comes from the error catalog of
 * `@openwop/types`, so a code is never paired with a status by hand; codes with several
 * statuses (`validation_error`: 400, 413, 422, 431) take the usual one unless told otherwise.
 */
export class ProtocolError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = "ProtocolError";
  readonly status: number;

  constructor(
    readonly code: C,
    message: string,
    readonly details?: JsonObject,
    status?: StatusOf<C>,
  ) {
    super(message);
    this.status = status ?? ERROR_CATALOG[code].statuses[0];
  }
}

export const validationError = (message: string, details?: JsonObject): ProtocolError<"validation_error"> =>
  new ProtocolError("validation_error", message, details);

export const notFound = (message: string, details?: JsonObject): ProtocolError<"not_found"> =>
  new ProtocolError("not_found", message, details);

/**
 * A run that kept changing under a compare-and-set retried a few times (cancel, pause,
 * resume): the caller retries in a second; `doing` says what was being done to it.
 */
export const runBusy = (runId: string, doing: string): ProtocolError<"run_busy"> =>
  new ProtocolError("run_busy", `run ${runId} kept changing while it was being ${doing}; retry`, { retryAfter: 1 });

/** The backpressure answer: 503 with the retry hint the `Retry-After` header repeats. */
export const serviceUnavailable = (
  message: string,
  retryAfterSeconds: number,
  details?: JsonObject,
): ProtocolError<"service_unavailable"> =>
  new ProtocolError("service_unavailable", message, { ...details, retryAfter: retryAfterSeconds });

/** A run error as recorded on the snapshot and in `run.failed`, with JSON details. */
export type RunFailure = Omit<RunError, "details"> & { details?: JsonObject };
