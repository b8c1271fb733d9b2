import type { ServerResponse } from "node:http";
import type { Context, Next } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "pino";
import type { AppEnv } from "../context.js";
import type { PrometheusMetrics } from "./prometheus-metrics.js";

/** Paths probed every few seconds by orchestrators and scrapers: logged at debug, not info. */
const QUIET_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/metrics"]);

/** The route pattern that answered (`/v1/runs/:runId`), or undefined when no route matched. */
function routeOf(c: Context<AppEnv>): string | undefined {
  // The route last dispatched, once the chain has returned. App-wide middlewares are registered
  // for every method ("ALL"): one of them answering means no route did. (The last matching
  // route is not the answer: `/v1/keys/failures` also matches `/v1/keys/:keyId`, after it.)
  const handler = matchedRoutes(c)[c.req.routeIndex];
  return handler === undefined || handler.method === "ALL" ? undefined : handler.path;
}

/** The `error` code of a 5xx envelope, read from a copy so the response itself is untouched. */
async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return typeof body.error === "string" ? body.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One log line per request, written when the response is complete: for a stream, when it
 * closes (Node's `close` on the response; without Node bindings, when the handler returns).
 * The line carries method, path (never the query string), route pattern, status,
 * durationMs, correlationId, tenantId once authenticated, and errorCode on a 5xx. Headers
 * and bodies are never logged. A client that leaves before any answer is sent gets an
 * info-level `http.aborted` line instead (with `bytesReceived` when it left mid-body). Also
 * keeps the HTTP request metrics.
 */
export function requestLog(logger: Logger, metrics: PrometheusMetrics) {
  return async (c: Context<AppEnv>, next: Next): Promise<void> => {
    const startedAt = performance.now();
    metrics.httpInflight.inc();
    let errorCode: string | undefined;
    let written = false;
    const write = (status: number): void => {
      if (written) return;
      written = true;
      metrics.httpInflight.dec();
      metrics.httpRequests.inc({ status_class: `${Math.floor(status / 100)}xx` });
      const tenantId = c.get("principal")?.tenantId;
      const route = routeOf(c);
      const record = {
        event: "http.request",
        method: c.req.method,
        path: c.req.path,
        ...(route === undefined ? {} : { route }),
        status,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        correlationId: c.get("correlationId"),
        ...(tenantId === undefined ? {} : { tenantId }),
        ...(errorCode === undefined ? {} : { errorCode }),
      };
      if (status >= 500 && status !== 503) logger.error(record, "http.request");
      else if (status >= 500) logger.warn(record, "http.request");
      else if (QUIET_PATHS.has(c.req.path)) logger.debug(record, "http.request");
      else logger.info(record, "http.request");
    };
    const aborted = (): void => {
      if (written) return;
      written = true;
      metrics.httpInflight.dec();
      const bytesReceived = c.get("bytesReceived");
      logger.info(
        {
          event: "http.aborted",
          method: c.req.method,
          path: c.req.path,
          durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
          correlationId: c.get("correlationId"),
          ...(bytesReceived === undefined ? {} : { bytesReceived }),
        },
        "http.aborted",
      );
    };
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    // A connection that closes before any answer was sent is the client leaving, not a 200.
    if (outgoing && !outgoing.closed)
      outgoing.once("close", () => (outgoing.headersSent ? write(outgoing.statusCode) : aborted()));
    try {
      await next();
    } finally {
      if (c.res.status >= 500) errorCode = await errorCodeOf(c.res);
      if (!outgoing || outgoing.closed) write(c.res.status);
    }
  };
}
