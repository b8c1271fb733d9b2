import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { spawnNode, type ManagedProcess } from "./processes.js";

export const HOST_KINDS = ["sqlite", "postgres"] as const;
export type HostKind = (typeof HOST_KINDS)[number];

const PACKAGES: Record<HostKind, string> = {
  sqlite: "@openwop/host-sqlite",
  postgres: "@openwop/host-postgres",
};

/**
 * Backpressure settings raised far above anything the bench sends, so it measures speed,
 * not shedding. Hosts that do not know them yet ignore them.
 */
export const NO_SHEDDING_ENV: Record<string, string> = {
  OPENWOP_INFLIGHT_CAP: "100000",
  OPENWOP_MAX_PENDING_RUNS: "100000",
};

/**
 * Added for the webhook workload only: its receiver listens on loopback over plain http,
 * which a host refuses unless told this is not production (webhooks.md §4.3).
 */
export const WEBHOOK_ENV: Record<string, string> = {
  OPENWOP_WEBHOOK_ALLOW_PRIVATE: "1",
};

/** The built entry point (`dist/main.js`) of a host package, found through the workspace link. */
export function hostEntry(kind: HostKind): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${PACKAGES[kind]}/package.json`)), "dist", "main.js");
}

export interface HostLaunch {
  kind: HostKind;
  apiKey: string;
  workflowsDir: string;
  /** SQLite: the database file. */
  sqlitePath?: string;
  /** Postgres: the connection URL. */
  databaseUrl?: string;
  /** When set, the host writes a V8 CPU profile into this directory when it exits. */
  cpuProfileDir?: string;
  label?: string;
  /** Variables on top of the documented ones (the webhook workload's {@link WEBHOOK_ENV}). */
  environment?: Record<string, string>;
}

export interface RunningHost {
  kind: HostKind;
  url: string;
  process: ManagedProcess;
}

/** The environment a host gets, exactly as documented in the host's README and manifest. */
export function hostEnvironment(launch: HostLaunch): Record<string, string> {
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    OPENWOP_API_KEY: launch.apiKey,
    OPENWOP_WORKFLOWS_DIR: launch.workflowsDir,
    ...NO_SHEDDING_ENV,
    ...launch.environment,
  };
  if (launch.kind === "sqlite") {
    if (!launch.sqlitePath) throw new Error("a SQLite host needs sqlitePath");
    env["OPENWOP_SQLITE_PATH"] = launch.sqlitePath;
  } else {
    if (!launch.databaseUrl) throw new Error("a Postgres host needs databaseUrl");
    env["DATABASE_URL"] = launch.databaseUrl;
  }
  return env;
}

/** Starts a host as its own process and resolves once it prints the URL it listens on. */
export async function startHost(launch: HostLaunch): Promise<RunningHost> {
  const label = launch.label ?? `${launch.kind} host`;
  const child = spawnNode({
    label,
    args: [hostEntry(launch.kind)],
    env: hostEnvironment(launch),
    nodeFlags: launch.cpuProfileDir
      ? [
          "--cpu-prof",
          `--cpu-prof-dir=${launch.cpuProfileDir}`,
          `--cpu-prof-name=${label.replace(/\W+/g, "-")}-${Date.now()}.cpuprofile`,
        ]
      : [],
  });
  try {
    const match = await child.waitForLine(/listening on (http:\/\/\S+)/, 30_000);
    return { kind: launch.kind, url: match[1] as string, process: child };
  } catch (error) {
    await child.stop(1_000).catch(() => {});
    throw error;
  }
}
