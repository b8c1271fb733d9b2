import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInMemoryHost } from "@openwop/host-in-memory";
import { startPostgresHost } from "@openwop/host-postgres";
import { startSqliteHost } from "@openwop/host-sqlite";
import { startPostgres } from "@openwop/pg-harness";
import type { HostSettings, RunningHost } from "@openwop/server";

/** A host under fuzz, started in this process and reached over loopback. */
export interface FuzzHost {
  url: string;
  hostname: string;
  port: number;
  /** The bootstrap key: tenant `default`, every scope. */
  apiKey: string;
  close(): Promise<void>;
}

export type HostKind = "in-memory" | "sqlite" | "postgres";

/**
 * Settings every fuzzed host shares: webhooks may target loopback (the fuzzer's subscriptions
 * point at a closed local port, so no delivery ever leaves the machine) and fail fast.
 */
const FUZZ_SETTINGS: Partial<HostSettings> = {
  port: 0,
  host: "127.0.0.1",
  webhookAllowPrivate: true,
  webhookMaxAttempts: 2,
  webhookRetryBaseMs: 50,
  webhookMaxRetryDelayMs: 200,
  webhookCircuitFailures: 1_000,
};

function wrap(host: RunningHost, cleanup: () => Promise<void>): FuzzHost {
  const url = new URL(host.url);
  return {
    url: host.url,
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: host.port,
    apiKey: host.apiKey,
    close: async () => {
      try {
        await host.close();
      } finally {
        await cleanup();
      }
    },
  };
}

export async function startFuzzHost(kind: HostKind): Promise<FuzzHost> {
  switch (kind) {
    case "in-memory":
      return wrap(await startInMemoryHost(FUZZ_SETTINGS), async () => {});
    case "sqlite": {
      const dir = await mkdtemp(join(tmpdir(), "openwop-fuzz-sqlite-"));
      try {
        const host = await startSqliteHost({ ...FUZZ_SETTINGS, path: join(dir, "openwop.db") });
        return wrap(host, () => rm(dir, { recursive: true, force: true }));
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
    case "postgres": {
      const server = await startPostgres();
      try {
        const connectionString = await server.createDatabase("openwop_fuzz");
        const host = await startPostgresHost({ ...FUZZ_SETTINGS, connectionString });
        return wrap(host, () => server.stop());
      } catch (error) {
        await server.stop();
        throw error;
      }
    }
  }
}
