import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  IDEMPOTENT_REPLAY_HEADER,
  ProtocolError,
  checkIdempotencyKey,
  notFound,
  validationError,
  runIdempotently,
  toRunSnapshot,
} from "@openwop/core";
import type { IdempotentResponse, JsonObject } from "@openwop/storage";
import { authorize } from "../auth-middleware.js";
import { pathParam } from "./params.js";
import { readJsonBody } from "../body.js";
import type { AppEnv, ServerContext } from "../context.js";
import { envelopeOf } from "../envelope.js";
import { parseTraceparent } from "../observability/trace-context.js";

function idempotencyKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  checkIdempotencyKey(key);
  return key;
}

function send(c: Context<AppEnv>, response: IdempotentResponse, replayed: boolean): Response {
  if (replayed) c.header(IDEMPOTENT_REPLAY_HEADER, "true");
  return c.json(response.body, response.status as ContentfulStatusCode);
}

/** Runs an operation as a final response, so protocol errors can be cached as answers. */
async function asResponse(operation: () => Promise<JsonObject>): Promise<IdempotentResponse> {
  try {
    return { status: 200, headers: {}, body: await operation() };
  } catch (error) {
    if (error instanceof ProtocolError) return { status: error.status, headers: {}, body: { ...envelopeOf(error) } };
    throw error;
  }
}

/**
 * A mutating operation with Layer-1 idempotency when the caller sent a key: executed once
 * per (tenant, endpoint, key), replayed after that.
 */
async function mutate(
  ctx: ServerContext,
  c: Context<AppEnv>,
  endpoint: string,
  body: JsonObject | undefined,
  operation: () => Promise<JsonObject>,
): Promise<Response> {
  const key = idempotencyKeyOf(c);
  if (key === undefined) return send(c, await asResponse(operation), false);
  const outcome = await runIdempotently(
    ctx.engine.store,
    { tenantId: c.get("principal").tenantId, endpoint, key, body },
    { leaseMs: 30_000, waitMs: ctx.idempotencyWaitMs, now: ctx.engine.now },
    () => asResponse(operation),
  );
  return send(c, outcome.response, outcome.replayed);
}

export function registerRunRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/v1/workflows/:workflowId", authorize(ctx, "manifest:read"), (c) => {
    const workflow = ctx.engine.workflow(pathParam(c, "workflowId"));
    if (!workflow) throw notFound(`workflow ${pathParam(c, "workflowId")} is not registered`);
    return c.json(workflow.definition);
  });

  app.post("/v1/runs", authorize(ctx, "runs:create"), async (c) => {
    const key = idempotencyKeyOf(c);
    const body = await readJsonBody(c);
    if (body === undefined) throw validationError("request body is required", { field: "body" });
    // Kept with the run: its terminal log record names this request, its spans join this trace.
    const trace = parseTraceparent(c.req.header("traceparent"));
    const origin = { correlationId: c.get("correlationId"), ...(trace ? { trace } : {}) };
    const result = await ctx.engine.createRun(c.get("principal").tenantId, body, key, origin);
    if (result.replayed) c.header(IDEMPOTENT_REPLAY_HEADER, "true");
    return c.json(result.body, result.status as ContentfulStatusCode);
  });

  app.get("/v1/runs/:runId", authorize(ctx, "runs:read"), async (c) => {
    const run = await ctx.engine.getRun(c.get("principal").tenantId, pathParam(c, "runId"));
    return c.json(toRunSnapshot(run));
  });

  app.post("/v1/runs/:runId/cancel", authorize(ctx, "runs:cancel"), async (c) => {
    const body = await readJsonBody(c);
    if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) {
      throw validationError('cancel body must be an object such as {"reason": "..."}', { field: "body" });
    }
    const runId = pathParam(c, "runId");
    return mutate(ctx, c, "POST /v1/runs/{runId}/cancel", body as JsonObject | undefined, async () => ({
      ...(await ctx.engine.cancelRun(c.get("principal").tenantId, runId)),
    }));
  });

  app.post("/v1/runs/:runId/interrupts/:nodeId", authorize(ctx, "approvals:respond"), async (c) => {
    const body = await readJsonBody(c);
    if (body === undefined)
      throw validationError('request body {"resumeValue": ...} is required', { field: "resumeValue" });
    const runId = pathParam(c, "runId");
    const nodeId = pathParam(c, "nodeId");
    return mutate(ctx, c, "POST /v1/runs/{runId}/interrupts/{nodeId}", body as JsonObject, async () => ({
      ...(await ctx.engine.resolveInterrupt(c.get("principal").tenantId, runId, nodeId, body)),
    }));
  });
}
