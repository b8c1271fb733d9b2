import { createMemoryAdapter } from "@openwop/storage-memory";
import { startOpenWopHost, type RunningHost } from "@openwop/server";

export const IMPLEMENTATION = { name: "openwop-host-in-memory", version: "0.1.0", vendor: "openwop-toolkit" } as const;

export interface InMemoryHostOptions {
  /** 0 picks a free port. */
  port?: number;
  apiKey?: string;
  extraApiKeys?: Array<{ key: string; tenant: string; scopes: string[]; test?: boolean }>;
  /** A directory of workflow definitions to register besides the conformance fixtures. */
  workflowsDir?: string;
}

/**
 * Starts the development host: everything in process memory, nothing survives a restart,
 * so it never advertises the production profile.
 */
export function startInMemoryHost(options: InMemoryHostOptions = {}): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: createMemoryAdapter(),
    implementation: IMPLEMENTATION,
    port: options.port ?? 0,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.extraApiKeys ? { extraApiKeys: options.extraApiKeys } : {}),
    ...(options.workflowsDir ? { workflowsDir: options.workflowsDir } : {}),
  });
}
