import { Hono, type Context } from "hono";
import {
  CredentialRefused,
  ProtocolError,
  notFound,
  serviceUnavailable,
  validationError,
  type Engine,
  type RedactionPolicy,
} from "@openwop/core";
import { StorageUnavailableError, type JsonObject } from "@openwop/storage";
import { ClientAbortedError, refuseDeclaredOversize } from "./body-reader.js";
import type { AppEnv, ServerContext } from "./context.js";
import { buildDiscoveryDocument, type Implementation } from "./discovery.js";
import { sendError } from "./envelope.js";
import { buildOpenApiDocument } from "./openapi.js";
import { OPERATIONS } from "./operations.js";
import { servePublicDocument } from "./routes/discovery.js";
import { registerDebugBundleRoutes } from "./routes/debug-bundle.js";
import { registerEventRoutes } from "./routes/events.js";
import { registerFeedRoutes } from "./routes/feed.js";
import { registerKeyRoutes } from "./routes/keys.js";
import { registerRunListRoute } from "./routes/run-list.js";
import { registerRunRoutes } from "./routes/runs.js";
import { registerTestSeamRoutes } from "./routes/test-seams.js";
import { registerWebhookRoutes } from "./routes/webhooks.js";
import { productionDiscoveryBlock } from "./production/discovery-block.js";
import { InflightGate } from "./production/inflight-gate.js";
import { KeyRateLimiter } from "./production/rate-limit.js";
import { routeOf } from "./route-of.js";
import { DEFAULT_HOST_SETTINGS, productionClaimBlocker, type HostSettings } from "./settings/host-settings.js";
import { registerHealthRoutes } from "./routes/health.js";
import { queryParameterText } from "./routes/params.js";
import { registerMetricsRoute } from "./observability/metrics-route.js";
import { Observability } from "./observability/observability.js";
import { correlationIdFor } from "./observability/correlation-id.js";
import type { Logger } from "./observability/logger.js";

export interface OpenWopAppOptions {
  engine: Engine;
  implementation: Implementation;
  /**
   * The host's settings, resolved once (`readHostSettings` from the environment, or
   * `resolveHostSettings` in code): limits, retention, backpressure. The defaults when absent.
   */
  settings?: HostSettings;
  /** Extra discovery blocks for capabilities the host serves beyond this toolkit's own. */
  discoveryExtra?: JsonObject;
  /** Which keys and string shapes debug bundles mask as secrets; the core defaults when absent. */
  debugBundleRedaction?: RedactionPolicy;
  /** Receives unexpected errors (answered with 500), besides the log record the app writes. */
  onError?: (error: unknown, correlationId: string) => void;
  /**
   * The structured log (request lines, run terminal records, internal errors). Default: JSON
   * lines on standard output at `OPENWOP_LOG_LEVEL` (default `info`).
   */
  logger?: Logger;
  /** Shares one logger, metrics registry and instruments between app and host; built from `logger` when absent. */
  observability?: Observability;
}

function correlationIdOf(c: Context): string {
  return correlationIdFor(c.req.header("traceparent"));
}

/**
 * Builds the OpenWOP v1 HTTP surface over an engine. The `production` discovery block is
 * advertised when the engine's storage says it is durable and the settings meet the
 * profile's floors (see {@link productionClaimBlocker}).
 *
 * @example
 * const app = createOpenWopApp({ engine, implementation: { name: "my-host", version: "1.0.0" } });
 * serve({ fetch: app.fetch, port: 3737 });
 */
export function createOpenWopApp(options: OpenWopAppOptions): Hono<AppEnv> {
  const engine = options.engine;
  const settings = options.settings ?? DEFAULT_HOST_SETTINGS;
  const production: JsonObject =
    engine.store.durable && productionClaimBlocker(settings) === undefined
      ? { production: productionDiscoveryBlock(settings) }
      : {};
  const discovery = buildDiscoveryDocument({
    implementation: options.implementation,
    fixtures: engine.catalog.ids().filter((id) => id.startsWith("conformance-")),
    limits: engine.limits,
    settings,
    keyGrace: engine.keys.grace,
    webhooks: { durable: engine.store.durable, policy: engine.dispatcher.policy },
    extra: { ...production, ...options.discoveryExtra },
  });
  const ctx: ServerContext = {
    engine,
    discovery,
    settings,
    rateLimiter:
      settings.rateLimitPerKey === undefined
        ? undefined
        : new KeyRateLimiter(settings.rateLimitPerKey, settings.rateLimitBurst ?? settings.rateLimitPerKey),
  };

  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const correlationId = correlationIdOf(c);
    c.set("correlationId", correlationId);
    c.header("x-correlation-id", correlationId);
    await next();
  });

  const observability =
    options.observability ??
    new Observability({
      runCounts: engine.runCounts,
      keyStats: (now, expiringBefore) => engine.store.keyStats(now, expiringBefore),
      deliveryStats: (now) => engine.store.deliveryStats(now),
      version: options.implementation.version,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  observability.attach(engine);
  // Before the in-flight gate, so refused requests are logged and counted too.
  app.use(observability.requestLog());
  registerMetricsRoute(app, observability);

  app.use(new InflightGate(settings).middleware());

  app.onError((error, c) => {
    if (error instanceof CredentialRefused) {
      engine.keys.noteFailure({
        reason: error.reason,
        route: routeOf(c),
        keyPrefix: error.keyPrefix,
        tenantId: error.tenantId,
        correlationId: c.get("correlationId") ?? "unknown",
      });
    }
    if (error instanceof ProtocolError) return sendError(c, error);
    // Nobody is left to read an answer; the request log records the abort (at info).
    if (error instanceof ClientAbortedError) return c.body(null, 400);
    if (error instanceof StorageUnavailableError) {
      // The degraded state: storage is down, the process is not; the caller retries.
      return sendError(c, serviceUnavailable("storage is unavailable; retry shortly", settings.retryAfterSeconds));
    }
    const correlationId = c.get("correlationId") ?? "unknown";
    observability.internalError(c, error, correlationId);
    options.onError?.(error, correlationId);
    return sendError(
      c,
      new ProtocolError("internal_error", "the host failed to handle this request", { correlationId }),
    );
  });

  app.use("/v1/*", refuseDeclaredOversize(settings.maxRequestBodyBytes));
  app.use("/v1/*", queryParameterText());

  servePublicDocument(app, "/.well-known/openwop", discovery);
  servePublicDocument(
    app,
    "/v1/openapi.json",
    buildOpenApiDocument(options.implementation.name, options.implementation.version, OPERATIONS),
  );
  registerHealthRoutes(app, ctx);
  registerRunListRoute(app, ctx);
  registerRunRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerFeedRoutes(app, ctx);
  registerDebugBundleRoutes(app, ctx, options.debugBundleRedaction ? { redaction: options.debugBundleRedaction } : {});
  // Host-private, conformance only: while disabled its path is an unknown path (404).
  if (settings.testForceExpire) registerTestSeamRoutes(app, ctx);

  app.notFound((c) => {
    const path = c.req.path;
    if (!path.startsWith("/v1/") && !path.startsWith("/.well-known/")) {
      return sendError(
        c,
        validationError("OpenWOP paths are versioned: use /v1/...", {
          field: "path",
          reason: "unversioned_path",
          supported: ["v1"],
        }),
      );
    }
    const known = OPERATIONS.some((op) => new RegExp(`^${op.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path));
    if (known)
      return sendError(c, new ProtocolError("method_not_allowed", `${c.req.method} is not allowed on ${path}`));
    return sendError(c, notFound(`no route for ${c.req.method} ${path}`));
  });

  return app;
}
