import { randomUUID } from "node:crypto";
import { WireError } from "./errors.js";
import type { RawResponse } from "./http.js";
import { abortableSleep } from "./sleep.js";

export interface CreateRunOptions {
  /** Sent as `Idempotency-Key`; generated when absent and retries are on, so a retry never makes a second run. */
  readonly idempotencyKey?: string;
  /** How many times a `503` or `429` is retried after its `Retry-After`; default 3, `0` sends once. */
  readonly retries?: number;
  /** The longest wait between attempts, whatever `Retry-After` says; default 30 s. */
  readonly maxRetryDelayMs?: number;
  readonly signal?: AbortSignal;
}

/** Statuses that mean "not now": the host refused before doing anything (backpressure, rate limit). */
const RETRYABLE = new Set([429, 503]);
const DEFAULT_RETRIES = 3;
const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;
/** The wait when a refusal carries no usable `Retry-After`. */
const FALLBACK_DELAY_MS = 1_000;

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Sends a run creation, and again after each `503`/`429` as the host asks, always under one
 * `Idempotency-Key`: the host either never made the run or answers a retry with the run it
 * made (idempotency.md §2), so retrying is safe by construction. The last refusal is thrown.
 */
export async function createWithRetries(
  options: CreateRunOptions,
  send: (headers: Record<string, string>) => Promise<RawResponse>,
): Promise<RawResponse> {
  const retries = Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRIES));
  const key = options.idempotencyKey ?? (retries > 0 ? `openwop-client-${randomUUID()}` : undefined);
  const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
  const maxDelay = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(headers);
    } catch (error) {
      const retryable = error instanceof WireError && RETRYABLE.has(error.status);
      if (!retryable || attempt >= retries || options.signal?.aborted) throw error;
      const delay = Math.min(maxDelay, retryAfterMs(error.headers) ?? FALLBACK_DELAY_MS);
      await abortableSleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
