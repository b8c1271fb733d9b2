import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ProtocolError, checkIdempotencyKey, runIdempotently } from "@openwop/core";
import type { IdempotentResponse, JsonObject } from "@openwop/storage";
import type { AppEnv, ServerContext } from "./context.js";
import { envelopeOf } from "./envelope.js";
import { routeOf } from "./route-of.js";

/**
 * Layer-1 idempotency (spec/v1/idempotency.md §2) for every mutating route, in one place:
 * the header is read and checked here, answers are stored and replayed here, and replays are
 * marked here. `POST /v1/runs` stores its answer in the run's own transaction (the engine
 * does the write); cancel and interrupt resolution claim a record, execute, then complete it.
 */

/** The header that marks a replayed answer. */
export const IDEMPOTENT_REPLAY_HEADER = "openwop-Idempotent-Replay";

/** The caller's `Idempotency-Key`, checked, or undefined when none was sent. */
export function idempotencyKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  checkIdempotencyKey(key);
  return key;
}

/** Sends a final answer, marked as a replay when it was stored by an earlier request. */
export function sendAnswer(c: Context<AppEnv>, answer: IdempotentResponse, replayed: boolean): Response {
  if (replayed) c.header(IDEMPOTENT_REPLAY_HEADER, "true");
  return c.json(answer.body, answer.status as ContentfulStatusCode);
}

/** Runs an operation as a final answer, so protocol refusals can be stored as answers too. */
async function asAnswer(operation: () => Promise<JsonObject>, status: number): Promise<IdempotentResponse> {
  try {
    return { status, headers: {}, body: await operation() };
  } catch (error) {
    if (error instanceof ProtocolError) return { status: error.status, headers: {}, body: envelopeOf(error) };
    throw error;
  }
}

/**
 * A mutating operation answered `200` (or `successStatus`) with its result: executed once per (tenant, endpoint,
 * key) when the caller sent a key, its answer replayed after that.
 */
export async function answerIdempotently(
  ctx: ServerContext,
  c: Context<AppEnv>,
  body: JsonObject | undefined,
  operation: () => Promise<JsonObject>,
  successStatus: 200 | 202 = 200,
): Promise<Response> {
  const key = idempotencyKeyOf(c);
  if (key === undefined) return sendAnswer(c, await asAnswer(operation, successStatus), false);
  const outcome = await runIdempotently(
    ctx.engine.store,
    { tenantId: c.get("principal").tenantId, endpoint: routeOf(c), key, body },
    { leaseMs: 30_000, waitMs: ctx.settings.idempotencyWaitMs, now: ctx.engine.now },
    () => asAnswer(operation, successStatus),
  );
  return sendAnswer(c, outcome.response, outcome.replayed);
}
