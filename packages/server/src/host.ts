import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import {
  createBuiltinRegistry,
  DEFAULT_DELIVERY_POLICY,
  Engine,
  loadWorkflowsFromDir,
  secretBoxFromEnvValue,
  type DeliveryPolicy,
  type SecretBox,
  OidcTokenVerifier,
  RetentionSweeper,
  SCOPES,
  type ConfiguredKeysReport,
  type EngineOptions,
  type LoadedNodePack,
  type NodePackSource,
} from "@openwop/core";
import type { StorageAdapter } from "@openwop/storage";
import { createOpenWopApp, type OpenWopAppOptions } from "./app.js";
import type { Implementation } from "./discovery.js";
import {
  answerRequestErrors,
  answerUnparsedRequests,
  httpServerOptions,
  ignoreUnknownExpectations,
} from "./http-server.js";
import { reclaimAfterConnectionBursts } from "./production/burst-reclaimer.js";
import { loadHostNodePacks } from "./node-packs.js";
import { createLogger, errorField, logLevelFromEnv } from "./observability/logger.js";
import {
  DEFAULT_HOST_SETTINGS,
  HostConfigError,
  productionClaimBlocker,
  type HostSettings,
} from "./settings/host-settings.js";

export interface HostOptions {
  adapter: StorageAdapter;
  implementation: Implementation;
  /** Resolved once by `readHostSettings` or `resolveHostSettings`; the defaults when absent. */
  settings?: HostSettings;
  /** Engine hooks that are code rather than settings: node registry, clock, holder id, sinks. */
  engine?: Omit<
    EngineOptions,
    "store" | "claimTtlMs" | "heartbeatIntervalMs" | "maxActiveRuns" | "admission" | "tokens"
  >;
  /** App hooks that are code rather than settings: logger, redaction policy, extra discovery blocks. */
  app?: Omit<OpenWopAppOptions, "engine" | "implementation" | "settings">;
  /** Node packs to load besides the modules `settings.nodePacks` names (`defineNodePack` builds one). */
  nodePacks?: readonly NodePackSource[];
}

export interface RunningHost {
  url: string;
  port: number;
  /** The bootstrap key: the configured one, or the one generated at this start. */
  apiKey: string;
  /** What start-up did with the configured keys (kept, created, generated, retired). */
  keys: ConfiguredKeysReport;
  engine: Engine;
  /** The node packs loaded at start, with their node types. */
  nodePacks: readonly LoadedNodePack[];
  /** Removes finished runs past the retention window, on the settings' interval. */
  retention: RetentionSweeper;
  /** Stops accepting requests, stops the engine (releasing claims), closes storage. */
  close(): Promise<void>;
}

/**
 * Everything a host does at start: keys, engine, retention, HTTP server, all from one
 * settings object. The example hosts are thin wrappers.
 *
 * @example
 * const host = await startOpenWopHost({
 *   adapter: await openSqliteAdapter({ path: "./openwop.db" }),
 *   implementation: { name: "my-host", version: "1.0.0" },
 *   settings: resolveHostSettings({ port: 3838 }),
 * });
 */
export async function startOpenWopHost(options: HostOptions): Promise<RunningHost> {
  const settings = options.settings ?? DEFAULT_HOST_SETTINGS;
  // One structured log for the app and the engine's background errors (claim loop, retention).
  const logger = options.app?.logger ?? createLogger({ level: logLevelFromEnv(process.env) });
  const blocker = options.adapter.durable ? productionClaimBlocker(settings) : undefined;
  if (blocker) {
    logger.warn(
      { event: "host.production_not_advertised", reason: blocker },
      `not advertising openwop-production: ${blocker}`,
    );
  }
  const onError =
    options.engine?.onError ??
    ((error: unknown, context: string) =>
      logger.error({ event: "engine.error", context, err: errorField(error) }, `engine error: ${context}`));
  if (settings.webhookAllowPrivate) {
    logger.warn(
      { event: "host.webhooks_allow_private" },
      "OPENWOP_WEBHOOK_ALLOW_PRIVATE is set: webhooks may reach private and loopback addresses; never run production like this",
    );
  }
  if (settings.webhookSecretKey === undefined) {
    logger.warn(
      { event: "host.webhook_secrets_unsealed" },
      "OPENWOP_WEBHOOK_SECRET_KEY is unset: webhook secrets are stored unencrypted",
    );
  }
  // Before the engine exists, so a refused pack stops the start with nothing begun; and before
  // any workflow is registered, so workflows may use the packs' node types.
  const registry = options.engine?.registry ?? createBuiltinRegistry();
  const nodePacks = await loadHostNodePacks(registry, options.nodePacks ?? [], settings);
  for (const pack of nodePacks) {
    logger.info(
      { event: "host.node_pack_loaded", pack: pack.name, version: pack.version, nodeTypes: pack.nodeTypes.length },
      `node pack ${pack.name}@${pack.version}: ${pack.nodeTypes.map((node) => node.typeId).join(", ")}`,
    );
  }
  const engine = new Engine({
    ...options.engine,
    registry,
    webhooks: {
      box: secretBoxOf(settings),
      allowPrivate: settings.webhookAllowPrivate,
      // Without durable storage there is nothing to retry from after a crash: best-effort, one attempt.
      policy: deliveryPolicyOf(settings, options.adapter.durable),
      userAgent: `openwop-webhook-dispatcher/${options.implementation.version}`,
      retentionMs: settings.retentionSeconds * 1000,
    },
    store: options.adapter,
    claimTtlMs: settings.claimTtlMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    maxActiveRuns: settings.maxActiveRuns,
    admission: { maxPendingRuns: settings.maxPendingRuns, retryAfterSeconds: settings.retryAfterSeconds },
    ...(settings.oidcIssuer !== undefined && settings.oidcAudience !== undefined
      ? {
          tokens: new OidcTokenVerifier({
            issuer: settings.oidcIssuer,
            audience: settings.oidcAudience,
            tenantClaim: settings.oidcTenantClaim,
            // A token with a new key id refetches the issuer's keys at most once a second:
            // quick to follow a rotation, and a flood of made-up key ids costs the issuer little.
            jwksCooldownMs: 1_000,
          }),
        }
      : {}),
    onError,
  });
  const keys = await engine.keys.configure(
    settings.apiKey === undefined
      ? undefined
      : { key: settings.apiKey, tenantId: "default", scopes: SCOPES, kind: "test", label: "bootstrap" },
    settings.extraApiKeys.map((extra) => ({
      key: extra.key,
      tenantId: extra.tenant,
      scopes: extra.scopes,
      kind: extra.test === true ? "test" : "live",
      label: "configured",
    })),
  );
  if (settings.workflowsDir) await loadWorkflowsFromDir(engine.catalog, settings.workflowsDir);
  const app = createOpenWopApp({
    ...options.app,
    logger,
    settings,
    engine,
    implementation: options.implementation,
  });
  // The listener rather than `createAdaptorServer`, which does not pass `errorHandler` on.
  const server = createServer(
    httpServerOptions(settings),
    getRequestListener(app.fetch, { errorHandler: answerRequestErrors(logger) }),
  );
  answerUnparsedRequests(server, logger);
  ignoreUnknownExpectations(server);
  const stopReclaiming = reclaimAfterConnectionBursts(server, {
    minClosed: 256,
    settleMs: 2_000,
    onReclaimed: (report) =>
      logger.debug({ event: "host.memory_reclaimed", ...report }, "collected after a connection burst"),
  });
  server.listen(settings.port, settings.host);
  await once(server, "listening");
  engine.start();
  const retention = new RetentionSweeper({
    store: options.adapter,
    retentionSeconds: settings.retentionSeconds,
    idempotencyRetentionSeconds: settings.idempotencyRetentionSeconds,
    intervalMs: settings.retentionSweepIntervalMs,
    batchSize: settings.retentionSweepBatchSize,
    now: engine.now,
    onError,
  });
  retention.start();
  const address = server.address() as AddressInfo;
  const hostName = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostName}:${address.port}`,
    port: address.port,
    apiKey: keys.bootstrap.key,
    keys,
    engine,
    nodePacks,
    retention,
    close: () =>
      (closing ??= (async () => {
        stopReclaiming();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Open SSE streams would hold the server forever; they resume elsewhere via Last-Event-ID.
        if ("closeAllConnections" in server) server.closeAllConnections();
        await retention.stop();
        await engine.stop();
        await closed;
        await options.adapter.close();
      })()),
  };
}

/** The box that seals webhook secrets, from `OPENWOP_WEBHOOK_SECRET_KEY` (none: unsealed). */
function secretBoxOf(settings: HostSettings): SecretBox {
  try {
    return secretBoxFromEnvValue(settings.webhookSecretKey);
  } catch (error) {
    throw new HostConfigError(error instanceof Error ? error.message : String(error));
  }
}

/** How webhook deliveries are retried: the settings on durable storage, one attempt otherwise (webhooks.md §8.1). */
export function deliveryPolicyOf(settings: HostSettings, durable: boolean): DeliveryPolicy {
  return {
    ...DEFAULT_DELIVERY_POLICY,
    maxAttempts: durable ? settings.webhookMaxAttempts : 1,
    retryBaseMs: settings.webhookRetryBaseMs,
    maxRetryDelayMs: settings.webhookMaxRetryDelayMs,
    circuitFailures: settings.webhookCircuitFailures,
    circuitOpenMs: settings.webhookCircuitOpenMs,
    leaseMs: settings.webhookLeaseMs,
    // An attempt ends well inside its lease, so no other process takes it over while it is in flight.
    timeoutMs: Math.min(DEFAULT_DELIVERY_POLICY.timeoutMs, Math.floor(settings.webhookLeaseMs / 2)),
  };
}
