import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { spawnHostProcess, webhookDurabilityEnv, type HostProcess } from "@openwop/server/testing";

/** The built binary, as `npm i -g @openwop/cli` would run it. */
export const OPENWOP_BIN = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
/** The built library entry, for the in-process checks that need a terminal-like stream. */
export const OPENWOP_LIBRARY = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

const HOST_ENTRIES = {
  sqlite: fileURLToPath(new URL("../../../../examples/hosts/sqlite/dist/main.js", import.meta.url)),
  "in-memory": fileURLToPath(new URL("../../../../examples/hosts/in-memory/dist/main.js", import.meta.url)),
  postgres: fileURLToPath(new URL("../../../../examples/hosts/postgres/dist/main.js", import.meta.url)),
} as const;
export type HostKind = keyof typeof HOST_ENTRIES;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/cli.js …args` as a child process (never synchronously: the host may live
 * in this process) and collects its exit code and both streams. The environment starts
 * from this process's with every OPENWOP_ connection variable and NO_COLOR removed, and
 * `XDG_CONFIG_HOME` pointing at `configHome`, so a developer's own profile never leaks in.
 */
export function runOpenwop(
  args: readonly string[],
  options: { readonly env?: Record<string, string>; readonly configHome: string; readonly stdin?: string },
): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === "NO_COLOR" || name === "FORCE_COLOR" || name.startsWith("OPENWOP_")) continue;
    env[name] = value;
  }
  Object.assign(env, { XDG_CONFIG_HOME: options.configHome }, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OPENWOP_BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

export interface TestHost {
  readonly kind: HostKind;
  readonly url: string;
  /** Holds every scope, in tenant `default`. */
  readonly apiKey: string;
  /** Holds only runs:read. */
  readonly readOnlyKey: string;
  readonly process: HostProcess;
  close(): Promise<void>;
}

/**
 * One example host as its own process, from its `dist/main.js` (SQLite in a temporary
 * folder, Postgres on a throwaway server of its own), with the environment the
 * server's webhook tests give theirs (loopback receivers allowed, quick retries, sealed
 * secrets) and a read-only second key.
 */
export async function startTestHost(kind: HostKind, extraEnv: Record<string, string> = {}): Promise<TestHost> {
  const apiKey = `hk_test_cli_${randomBytes(8).toString("hex")}`;
  const readOnlyKey = `hk_test_cli_ro_${randomBytes(8).toString("hex")}`;
  const dir = await mkdtemp(join(tmpdir(), `openwop-cli-${kind}-`));
  const postgres: PostgresServer | undefined = kind === "postgres" ? await startPostgres() : undefined;
  const started = await spawnHostProcess(HOST_ENTRIES[kind], {
    ...webhookDurabilityEnv(apiKey),
    OPENWOP_SQLITE_PATH: join(dir, "openwop.db"),
    ...(postgres === undefined ? {} : { DATABASE_URL: postgres.url }),
    OPENWOP_EXTRA_API_KEYS: JSON.stringify([{ key: readOnlyKey, tenant: "default", scopes: ["runs:read"] }]),
    OPENWOP_LOG_LEVEL: "warn",
    ...extraEnv,
  });
  return {
    kind,
    url: started.url,
    apiKey,
    readOnlyKey,
    process: started,
    close: async () => {
      await started.kill("SIGTERM");
      await postgres?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Parses the whole of a `--json` answer's standard output; throws when it is anything else. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\n--- stderr:\n${result.stderr}`,
    );
  }
}

/** Standard output as one JSON value per line. */
export function parseJsonLines<T = Record<string, unknown>>(result: CliResult): T[] {
  return result.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}
