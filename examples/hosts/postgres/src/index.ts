import { openPostgresAdapter } from "@openwop/storage-postgres";
import { startOpenWopHost, type ProductionSettings, type RunningHost } from "@openwop/server";

export const IMPLEMENTATION = { name: "openwop-host-postgres", version: "0.1.0", vendor: "openwop-toolkit" } as const;

export interface PostgresHostOptions {
  connectionString: string;
  /** 0 picks a free port. */
  port?: number;
  apiKey?: string;
  extraApiKeys?: Array<{ key: string; tenant: string; scopes: string[]; test?: boolean }>;
  workflowsDir?: string;
  claimTtlMs?: number;
  heartbeatIntervalMs?: number;
  /** Backpressure, admission, retention and bundle limits; production defaults otherwise. */
  settings?: Partial<ProductionSettings>;
}

/** The shared-database host: any number of processes on one Postgres database. */
export async function startPostgresHost(options: PostgresHostOptions): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: await openPostgresAdapter({ connectionString: options.connectionString, applicationName: IMPLEMENTATION.name }),
    implementation: IMPLEMENTATION,
    port: options.port ?? 0,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.extraApiKeys ? { extraApiKeys: options.extraApiKeys } : {}),
    ...(options.workflowsDir ? { workflowsDir: options.workflowsDir } : {}),
    // Durable storage: the host advertises openwop-production when its settings allow it.
    app: { advertiseProduction: true, ...(options.settings ? { settings: options.settings } : {}) },
    engine: {
      ...(options.claimTtlMs ? { claimTtlMs: options.claimTtlMs } : {}),
      ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    },
  });
}
