import type { HostOptions } from "./host.js";
import type { ProductionSettings } from "./production/settings.js";

/** What every example host accepts besides where its storage lives. */
export interface ExampleHostOptions {
  /** 0 picks a free port. */
  port?: number;
  /** The bootstrap key; generated when absent. */
  apiKey?: string;
  extraApiKeys?: HostOptions["extraApiKeys"];
  /** A directory of workflow definitions to register besides the conformance fixtures. */
  workflowsDir?: string;
  claimTtlMs?: number;
  heartbeatIntervalMs?: number;
  /** Backpressure, admission, retention and bundle limits; production defaults otherwise. */
  settings?: Partial<ProductionSettings>;
}

/**
 * The example hosts' options as {@link startOpenWopHost} takes them. Only a host on durable
 * storage may advertise `openwop-production` (and does, when its settings allow it).
 */
export function exampleHostOptions(
  options: ExampleHostOptions,
  durableStorage: boolean,
): Omit<HostOptions, "adapter" | "implementation"> {
  return {
    port: options.port ?? 0,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.extraApiKeys ? { extraApiKeys: options.extraApiKeys } : {}),
    ...(options.workflowsDir ? { workflowsDir: options.workflowsDir } : {}),
    app: { advertiseProduction: durableStorage, ...(options.settings ? { settings: options.settings } : {}) },
    engine: {
      ...(options.claimTtlMs ? { claimTtlMs: options.claimTtlMs } : {}),
      ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    },
  };
}
