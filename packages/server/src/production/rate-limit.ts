import type { Context } from "hono";
import { idempotencyRecordKey, ProtocolError, type Principal } from "@openwop/core";
import type { AppEnv, ServerContext } from "../context.js";
import { sendError } from "../envelope.js";
import { routeOf } from "../route-of.js";

/** Buckets tracked at once; beyond it the oldest are forgotten (a forgotten key starts full). */
const BUCKET_LIMIT = 100_000;

/**
 * A token bucket per key: `burst` requests at once, refilled at `ratePerSecond`. Time is
 * passed in, so the arithmetic is exact and testable.
 */
export class KeyRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {}

  /** Takes one token for `id`; resolves to 0 when granted, else the milliseconds until one is free. */
  take(id: string, now: number): number {
    const bucket = this.#buckets.get(id) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    if (tokens >= 1) {
      this.#remember(id, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.#remember(id, { tokens, at: now });
    return Math.ceil(((1 - tokens) / this.ratePerSecond) * 1000);
  }

  #remember(id: string, bucket: { tokens: number; at: number }): void {
    this.#buckets.delete(id);
    if (this.#buckets.size >= BUCKET_LIMIT) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    this.#buckets.set(id, bucket);
  }
}

/**
 * The 429 for a key over its rate (auth.md §7), or undefined when the request may go on. A
 * retry of a request the host has already accepted (its `Idempotency-Key` has a record) is
 * never refused, so a throttled client can always learn the outcome of what it sent.
 */
export async function rateLimitedAnswer(
  ctx: ServerContext,
  c: Context<AppEnv>,
  principal: Principal,
): Promise<Response | undefined> {
  const limiter = ctx.rateLimiter;
  if (!limiter) return undefined;
  const waitMs = limiter.take(principal.keyId ?? principal.label, ctx.engine.now());
  if (waitMs === 0) return undefined;
  const idempotencyKey = c.req.header("idempotency-key");
  if (idempotencyKey !== undefined) {
    const scope = { tenantId: principal.tenantId, endpoint: routeOf(c), key: idempotencyKey };
    if (await ctx.engine.store.getIdempotencyRecord(idempotencyRecordKey(scope))) return undefined;
  }
  return sendError(
    c,
    new ProtocolError("rate_limited", `this key is over its limit of ${limiter.ratePerSecond} requests per second`, {
      retryAfterMs: waitMs,
      retryAfter: Math.ceil(waitMs / 1000),
      scope: "key",
      limit: limiter.ratePerSecond,
    }),
  );
}
