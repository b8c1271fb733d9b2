import { randomBytes } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Authenticator, ProtocolError, notFound, validationError, type Engine } from "@openwop/core";
import { StorageUnavailableError, type JsonObject } from "@openwop/storage";
import type { AppEnv, ServerContext } from "./context.js";
import { buildDiscoveryDocument, type Implementation } from "./discovery.js";
import { sendError, serviceUnavailable } from "./envelope.js";
import { buildOpenApiDocument } from "./openapi.js";
import { OPERATIONS } from "./operations.js";
import { servePublicDocument } from "./routes/discovery.js";
import { registerEventRoutes } from "./routes/events.js";
import { registerRunRoutes } from "./routes/runs.js";
import { DEFAULT_PRODUCTION_SETTINGS, type ProductionSettings } from "./production/settings.js";

export interface OpenWopAppOptions {
  engine: Engine;
  implementation: Implementation;
  /** Largest accepted request body (advertised as `limits.maxRequestBodyBytes`). Default 1 MiB. */
  maxRequestBodyBytes?: number;
  sseKeepAliveMs?: number;
  idempotencyWaitMs?: number;
  /** Extra discovery blocks for capabilities the host serves (e.g. `production`, `debugBundle`). */
  discoveryExtra?: JsonObject;
  /** Operational limits; defaults from {@link DEFAULT_PRODUCTION_SETTINGS}. */
  settings?: Partial<ProductionSettings>;
  /** Receives unexpected errors (answered with 500) for logging. */
  onError?: (error: unknown, correlationId: string) => void;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

function correlationIdOf(c: Context): string {
  const trace = TRACEPARENT.exec(c.req.header("traceparent") ?? "");
  if (trace && !/^0+$/.test(trace[1] as string)) return trace[1] as string;
  return randomBytes(16).toString("hex");
}

/**
 * Builds the OpenWOP v1 HTTP surface over an engine.
 *
 * @example
 * const app = createOpenWopApp({ engine, implementation: { name: "my-host", version: "1.0.0" } });
 * serve({ fetch: app.fetch, port: 3737 });
 */
export function createOpenWopApp(options: OpenWopAppOptions): Hono<AppEnv> {
  const maxBody = options.maxRequestBodyBytes ?? 1_048_576;
  const engine = options.engine;
  const discovery = buildDiscoveryDocument({
    implementation: options.implementation,
    fixtures: engine.catalog.ids().filter((id) => id.startsWith("conformance-")),
    maxNodeExecutions: engine.limits.maxNodeExecutions,
    maxRunDurationMs: engine.limits.maxRunDurationMs,
    maxRequestBodyBytes: maxBody,
    idempotencyRetentionSeconds: 86_400,
    ...(options.discoveryExtra ? { extra: options.discoveryExtra } : {}),
  });
  const ctx: ServerContext = {
    engine,
    authenticator: new Authenticator(engine.store, engine.now),
    discovery,
    sseKeepAliveMs: Math.min(options.sseKeepAliveMs ?? 15_000, 30_000),
    idempotencyWaitMs: options.idempotencyWaitMs ?? 5_000,
    settings: { ...DEFAULT_PRODUCTION_SETTINGS, ...options.settings },
  };

  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const correlationId = correlationIdOf(c);
    c.set("correlationId", correlationId);
    c.header("x-correlation-id", correlationId);
    await next();
  });

  app.onError((error, c) => {
    if (error instanceof ProtocolError) {
      const retryAfter = error.details?.["retryAfter"];
      return sendError(c, error, error.status === 503 && typeof retryAfter === "number" ? { "Retry-After": String(retryAfter) } : {});
    }
    if (error instanceof StorageUnavailableError) {
      return sendError(c, serviceUnavailable("storage is unavailable; retry shortly", 1), { "Retry-After": "1" });
    }
    const correlationId = c.get("correlationId") ?? "unknown";
    options.onError?.(error, correlationId);
    return sendError(c, new ProtocolError(500, "internal_error", "the host failed to handle this request", { correlationId }));
  });

  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: maxBody,
      // The rest of an oversize body is never read, so the connection cannot be reused.
      onError: (c) =>
        sendError(c, new ProtocolError(413, "validation_error", `request bodies are limited to ${maxBody} bytes`, { field: "body", maxBytes: maxBody }), {
          Connection: "close",
        }),
    }),
  );

  servePublicDocument(app, "/.well-known/openwop", discovery);
  servePublicDocument(app, "/v1/openapi.json", buildOpenApiDocument(options.implementation.name, options.implementation.version, OPERATIONS));
  registerRunRoutes(app, ctx);
  registerEventRoutes(app, ctx);

  app.notFound((c) => {
    const path = c.req.path;
    if (!path.startsWith("/v1/") && !path.startsWith("/.well-known/")) {
      return sendError(c, validationError("OpenWOP paths are versioned: use /v1/...", { field: "path", reason: "unversioned_path", supported: ["v1"] }));
    }
    const known = OPERATIONS.some((op) => new RegExp(`^${op.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path));
    if (known) return sendError(c, new ProtocolError(405, "method_not_allowed", `${c.req.method} is not allowed on ${path}`));
    return sendError(c, notFound(`no route for ${c.req.method} ${path}`));
  });

  return app;
}
