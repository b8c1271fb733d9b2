import type { Hono } from "hono";
import { buildDebugBundle, validationError, type RedactionPolicy } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";
import type { DebugBundleHost } from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import type { AppEnv, ServerContext } from "../context.js";
import { pathParam } from "./params.js";

export interface DebugBundleRouteOptions {
  /** Which keys and string shapes count as secrets; the core defaults when absent. */
  redaction?: RedactionPolicy;
}

/** `maxEvents`: absent, or a positive integer; anything else is the caller's mistake (debug-bundle.md §5.2). */
export function parseMaxEvents(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1)) throw validationError("maxEvents must be a positive integer", { field: "maxEvents" });
  return value;
}

/** The bundle's `host` is the discovery `implementation`, read from the document the host serves so the two cannot differ. */
function hostOf(discovery: JsonObject): DebugBundleHost {
  const implementation = discovery["implementation"] as
    | Partial<Record<"name" | "version" | "vendor", unknown>>
    | undefined;
  const name = typeof implementation?.name === "string" ? implementation.name : "openwop-host";
  const version = typeof implementation?.version === "string" ? implementation.version : "0.0.0";
  const vendor = typeof implementation?.vendor === "string" ? implementation.vendor : undefined;
  return { name, version, ...(vendor ? { vendor } : {}) };
}

/**
 * `GET /v1/runs/{runId}/debug-bundle`: a redacted, size-capped export of one run. The run is
 * read through `engine.getRun`, so another tenant's run is a 404 and an expired one a 410
 * before a single event is read.
 */
export function registerDebugBundleRoutes(
  app: Hono<AppEnv>,
  ctx: ServerContext,
  options: DebugBundleRouteOptions = {},
): void {
  const host = hostOf(ctx.discovery);
  app.get("/v1/runs/:runId/debug-bundle", authorize(ctx, "runs:read"), async (c) => {
    const maxEvents = parseMaxEvents(c.req.query("maxEvents"));
    const run = await ctx.engine.getRun(c.get("principal").tenantId, pathParam(c, "runId"));
    const { json } = await buildDebugBundle({
      run,
      store: ctx.engine.store,
      host,
      maxBytes: ctx.settings.debugBundleMaxBytes,
      ...(maxEvents === undefined ? {} : { maxEvents }),
      ...(options.redaction ? { redaction: options.redaction } : {}),
      now: ctx.engine.now,
    });
    // A point-in-time export of tenant data: no cache may keep it (debug-bundle.md §2.2).
    return c.body(json, 200, { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "no-store" });
  });
}
