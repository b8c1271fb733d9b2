import type { Hono } from "hono";
import type { AppEnv } from "../context.js";
import type { Observability } from "./observability.js";

/**
 * `GET /metrics` in the Prometheus text format. Unauthenticated like the probes (it
 * carries no run, tenant or key) and exempt from backpressure, so a saturated host can
 * still be watched. Registered explicitly: unversioned unknown paths answer 400.
 */
export function registerMetricsRoute(app: Hono<AppEnv>, observability: Observability): void {
  app.get("/metrics", async (c) => {
    const body = await observability.renderPrometheus();
    return c.body(body, 200, { "Content-Type": observability.prometheus.contentType, "Cache-Control": "no-store" });
  });
}
