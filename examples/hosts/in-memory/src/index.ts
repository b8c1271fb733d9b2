import { createMemoryAdapter } from "@openwop/storage-memory";
import { resolveHostSettings, startOpenWopHost, type HostSettings, type RunningHost } from "@openwop/server";

export const IMPLEMENTATION = { name: "openwop-host-in-memory", version: "0.1.0", vendor: "openwop-toolkit" } as const;

/** Any host setting; port 0 (a free one) unless chosen. */
export type InMemoryHostOptions = Partial<HostSettings>;

/**
 * Starts the development host: everything in process memory, nothing survives a restart,
 * so it never advertises the production profile.
 */
export function startInMemoryHost(options: InMemoryHostOptions = {}): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: createMemoryAdapter(),
    implementation: IMPLEMENTATION,
    settings: resolveHostSettings(options),
  });
}
