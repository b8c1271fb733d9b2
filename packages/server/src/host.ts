import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import {
  Engine,
  generateApiKey,
  loadWorkflowsFromDir,
  RetentionSweeper,
  SCOPES,
  storeApiKey,
  type ApiKeyGrant,
  type EngineOptions,
} from "@openwop/core";
import type { JsonObject, StorageAdapter } from "@openwop/storage";
import { createOpenWopApp, type OpenWopAppOptions } from "./app.js";
import type { Implementation } from "./discovery.js";
import { createLogger, errorField, logLevelFromEnv } from "./observability/logger.js";
import { DEFAULT_PRODUCTION_SETTINGS, type ProductionSettings } from "./production/settings.js";

export interface HostOptions {
  adapter: StorageAdapter;
  implementation: Implementation;
  port?: number;
  host?: string;
  /** The bootstrap key (tenant `default`, every scope); generated when absent. */
  apiKey?: string;
  /** More keys, e.g. a low-scope key and a second tenant's key for conformance. */
  extraApiKeys?: Array<Omit<ApiKeyGrant, "tenantId"> & { tenant: string }>;
  engine?: Omit<EngineOptions, "store">;
  app?: Omit<OpenWopAppOptions, "engine" | "implementation">;
  discoveryExtra?: JsonObject;
  /** A directory of workflow definition files (`*.json`) to register at start. */
  workflowsDir?: string;
}

export interface RunningHost {
  url: string;
  port: number;
  apiKey: string;
  engine: Engine;
  /** Removes finished runs past the retention window, on the settings' interval. */
  retention: RetentionSweeper;
  /** Stops accepting requests, stops the engine (releasing claims), closes storage. */
  close(): Promise<void>;
}

/** Everything a host does at start: keys, engine, HTTP server. The example hosts are thin wrappers. */
export async function startOpenWopHost(options: HostOptions): Promise<RunningHost> {
  const apiKey = options.apiKey ?? generateApiKey();
  const now = new Date();
  await storeApiKey(
    options.adapter,
    { key: apiKey, tenantId: "default", scopes: SCOPES, test: true, label: "bootstrap" },
    now,
  );
  for (const extra of options.extraApiKeys ?? []) {
    await storeApiKey(options.adapter, { ...extra, tenantId: extra.tenant }, now);
  }
  const settings: ProductionSettings = { ...DEFAULT_PRODUCTION_SETTINGS, ...options.app?.settings };
  // One structured log for the app and the engine's background errors (claim loop, retention).
  const logger = options.app?.logger ?? createLogger({ level: logLevelFromEnv(process.env) });
  const onError =
    options.engine?.onError ??
    ((error: unknown, context: string) =>
      logger.error({ event: "engine.error", context, err: errorField(error) }, `engine error: ${context}`));
  const engine = new Engine({
    admission: { maxPendingRuns: settings.maxPendingRuns, retryAfterSeconds: settings.retryAfterSeconds },
    ...options.engine,
    onError,
    store: options.adapter,
  });
  if (options.workflowsDir) await loadWorkflowsFromDir(engine.catalog, options.workflowsDir);
  const app = createOpenWopApp({
    ...options.app,
    logger,
    settings,
    engine,
    implementation: options.implementation,
    ...(options.discoveryExtra ? { discoveryExtra: options.discoveryExtra } : {}),
  });
  const server = createAdaptorServer({ fetch: app.fetch });
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
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
    apiKey,
    engine,
    retention,
    close: () =>
      (closing ??= (async () => {
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
