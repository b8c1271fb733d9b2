import type { Context } from "hono";
import { openApiCustomMethod } from "./routes/custom-method.js";

/**
 * The routed operation as the OpenAPI document names it, e.g. `GET /v1/runs/{runId}`: a
 * bounded label for logs and metrics (never the raw path, which carries ids), and the
 * endpoint that scopes idempotency records.
 */
export function routeOf(c: Context): string {
  const path = openApiCustomMethod(c.req.routePath).replace(/\/:([A-Za-z0-9_]+)/g, "/{$1}");
  return `${c.req.method} ${path === "/*" || path === "*" ? "(unrouted)" : path}`;
}
