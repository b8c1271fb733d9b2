import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Engine, generateApiKey, loadWorkflowsFromDir, SCOPES, storeApiKey, type ApiKeyGrant, type EngineOptions } from "@openwop/core";
import type { JsonObject, StorageAdapter } from "@openwop/storage";
import { createOpenWopApp, type OpenWopAppOptions } from "./app.js";
import type { Implementation } from "./discovery.js";

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
  /** Stops accepting requests, stops the engine (releasing claims), closes storage. */
  close(): Promise<void>;
}

/** Everything a host does at start: keys, engine, HTTP server. The example hosts are thin wrappers. */
export async function startOpenWopHost(options: HostOptions): Promise<RunningHost> {
  const apiKey = options.apiKey ?? generateApiKey();
  const now = new Date();
  await storeApiKey(options.adapter, { key: apiKey, tenantId: "default", scopes: SCOPES, test: true, label: "bootstrap" }, now);
  for (const extra of options.extraApiKeys ?? []) {
    await storeApiKey(options.adapter, { ...extra, tenantId: extra.tenant }, now);
  }
  const engine = new Engine({ ...options.engine, store: options.adapter });
  if (options.workflowsDir) await loadWorkflowsFromDir(engine.catalog, options.workflowsDir);
  const app = createOpenWopApp({
    ...options.app,
    engine,
    implementation: options.implementation,
    ...(options.discoveryExtra ? { discoveryExtra: options.discoveryExtra } : {}),
  });
  const server = createAdaptorServer({ fetch: app.fetch });
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  engine.start();
  const address = server.address() as AddressInfo;
  const hostName = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostName}:${address.port}`,
    port: address.port,
    apiKey,
    engine,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Open SSE streams would hold the server forever; they resume elsewhere via Last-Event-ID.
        if ("closeAllConnections" in server) server.closeAllConnections();
        await engine.stop();
        await closed;
        await options.adapter.close();
      })()),
  };
}
