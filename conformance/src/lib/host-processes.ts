import { createClient, type OpenWopClient } from "@openwop/client";
import { launchHost, type LaunchedHost, type LaunchOptions } from "../host-manifest/launch.js";
import type { ScenarioContext } from "../runner/scenario.js";

/** How long a launched host's claims last and how often it renews them. */
export interface ClaimTimings {
  readonly claimTtlMs: number;
  readonly heartbeatIntervalMs: number;
}

/** Claim timings short enough for a scenario to wait out a lease (only their ratio is normative). */
export const SHORT_CLAIM: ClaimTimings = { claimTtlMs: 2_000, heartbeatIntervalMs: 500 };

/**
 * Starts an extra host process from the manifest for a process-level scenario. It shares
 * storage with `peer` when given, and is always stopped when the scenario ends. Claims use
 * `SHORT_CLAIM` unless `claim` says otherwise (processes sharing storage should agree).
 */
export async function launchScenarioHost(
  context: ScenarioContext,
  overrides: Pick<LaunchOptions, "port"> & { readonly peer?: LaunchedHost; readonly claim?: ClaimTimings } = {},
): Promise<{ host: LaunchedHost; client: OpenWopClient }> {
  const loaded = context.options.hostManifest;
  if (loaded === undefined) return context.skip("needs --host-manifest", true);
  const databaseUrl = context.options.env.DATABASE_URL;
  const host = await launchHost(loaded, {
    ...(overrides.claim ?? SHORT_CLAIM),
    ...(overrides.port === undefined ? {} : { port: overrides.port }),
    ...(overrides.peer === undefined ? {} : { dataDir: overrides.peer.dataDir, keys: overrides.peer.keys }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  });
  // The first process owns the data directory; a peer reusing it must not delete it.
  context.defer(() => (overrides.peer === undefined ? host.stop() : host.kill()));
  const client = createClient({ baseUrl: host.baseUrl, apiKey: host.keys.apiKey, timeoutMs: context.scaled(20_000) });
  return { host, client };
}
