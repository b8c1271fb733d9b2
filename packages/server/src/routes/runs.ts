import type { Hono } from "hono";
import { notFound, parseBulkCancelRequest, toRunSnapshot, validationError, type CreatedRun } from "@openwop/core";
import type { IdempotentResponse, JsonObject, JsonValue } from "@openwop/storage";
import type { BulkCancelResponse, CreateRunResponse } from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import { readJsonBody } from "../body.js";
import type { AppEnv, ServerContext } from "../context.js";
import { answerIdempotently, idempotencyKeyOf, sendAnswer } from "../idempotency.js";
import { parseTraceparent } from "../observability/trace-context.js";
import { routeOf } from "../route-of.js";
import { customMethodRoute } from "./custom-method.js";
import { pathParam } from "./params.js";

/** The 201 of `POST /v1/runs` (spec/v1/core.md §6.2): where to follow the new run. */
function createdAnswer(run: CreatedRun): IdempotentResponse {
  const body: CreateRunResponse = {
    runId: run.runId,
    status: run.status,
    eventsUrl: `/v1/runs/${run.runId}/events`,
    statusUrl: `/v1/runs/${run.runId}`,
  };
  return { status: 201, headers: {}, body: body as JsonObject };
}

export function registerRunRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/v1/workflows/:workflowId", authorize(ctx, "manifest:read"), (c) => {
    const workflow = ctx.engine.workflow(pathParam(c, "workflowId"));
    if (!workflow) throw notFound(`workflow ${pathParam(c, "workflowId")} is not registered`);
    return c.json(workflow.definition);
  });

  app.post("/v1/runs", authorize(ctx, "runs:create"), async (c) => {
    const key = idempotencyKeyOf(c);
    const body = await readJsonBody(c, ctx.settings);
    if (body === undefined) throw validationError("request body is required", { field: "body" });
    // Kept with the run: its terminal log record names this request, its spans join this trace.
    const trace = parseTraceparent(c.req.header("traceparent"));
    const origin = { correlationId: c.get("correlationId"), ...(trace ? { trace } : {}) };
    const principal = c.get("principal");
    const outcome = await ctx.engine.createRun(principal.tenantId, body, {
      origin,
      principalLabel: principal.label,
      ...(key === undefined ? {} : { idempotency: { key, endpoint: routeOf(c), answer: createdAnswer } }),
    });
    return outcome.replayed ? sendAnswer(c, outcome.response, true) : sendAnswer(c, createdAnswer(outcome.run), false);
  });

  app.get("/v1/runs/:runId", authorize(ctx, "runs:read"), async (c) => {
    const run = await ctx.engine.getRun(c.get("principal").tenantId, pathParam(c, "runId"));
    return c.json(toRunSnapshot(run));
  });

  app.post("/v1/runs/:runId/cancel", authorize(ctx, "runs:cancel"), async (c) => {
    const body = cancelBodyOf(await readJsonBody(c, ctx.settings));
    const runId = pathParam(c, "runId");
    return answerIdempotently(ctx, c, body as JsonObject | undefined, async () => ({
      ...(await ctx.engine.cancelRun(c.get("principal").tenantId, runId)),
    }));
  });

  // Registered as a literal path: the colon follows no slash, so the router reads no parameter in it.
  app.post("/v1/runs:bulk-cancel", authorize(ctx, "runs:cancel"), async (c) => {
    const body = await readJsonBody(c, ctx.settings);
    if (body === undefined) throw validationError('request body {"runIds": [...]} is required', { field: "runIds" });
    const request = parseBulkCancelRequest(body);
    return answerIdempotently(ctx, c, body as JsonObject, async () => {
      const answer: BulkCancelResponse = {
        results: await ctx.engine.bulkCancel(c.get("principal").tenantId, request.runIds),
      };
      return answer as JsonObject;
    });
  });

  app.post(customMethodRoute("/v1/runs", "runId", "pause"), authorize(ctx, "runs:cancel"), async (c) => {
    const body = await readJsonBody(c, ctx.settings);
    const runId = pathParam(c, "runId", ":pause");
    return answerIdempotently(
      ctx,
      c,
      body as JsonObject | undefined,
      async () => ({ ...(await ctx.engine.pauseRun(c.get("principal").tenantId, runId, body)) }),
      202,
    );
  });

  app.post(customMethodRoute("/v1/runs", "runId", "resume"), authorize(ctx, "runs:cancel"), async (c) => {
    const body = await readJsonBody(c, ctx.settings);
    const runId = pathParam(c, "runId", ":resume");
    return answerIdempotently(
      ctx,
      c,
      body as JsonObject | undefined,
      async () => ({ ...(await ctx.engine.resumeRun(c.get("principal").tenantId, runId, body)) }),
      202,
    );
  });

  app.post("/v1/runs/:runId/interrupts/:nodeId", authorize(ctx, "approvals:respond"), async (c) => {
    const body = await readJsonBody(c, ctx.settings);
    if (body === undefined)
      throw validationError('request body {"resumeValue": ...} is required', { field: "resumeValue" });
    const runId = pathParam(c, "runId");
    const nodeId = pathParam(c, "nodeId");
    return answerIdempotently(ctx, c, body as JsonObject, async () => ({
      ...(await ctx.engine.resolveInterrupt(c.get("principal").tenantId, runId, nodeId, body)),
    }));
  });
}

/** The cancel body: absent, or the closed object `{reason?: string}` (core.md §6.7). */
function cancelBodyOf(body: JsonValue | undefined): JsonObject | undefined {
  if (body === undefined) return undefined;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw validationError('cancel body must be an object such as {"reason": "..."}', { field: "body" });
  }
  const unknown = Object.keys(body).find((member) => member !== "reason");
  if (unknown !== undefined) {
    throw validationError(`cancel bodies have only a reason; ${unknown.slice(0, 64)} is not a member`, {
      field: unknown.slice(0, 64),
    });
  }
  if (body["reason"] !== undefined && typeof body["reason"] !== "string") {
    throw validationError("reason must be a string", { field: "reason" });
  }
  return body;
}
