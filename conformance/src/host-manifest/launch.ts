import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import type { LoadedHostManifest } from "./manifest.js";
import { fillPlaceholders } from "./placeholders.js";

export interface LaunchOptions {
  /** Fixed port; a free one is picked when absent (a restart passes the old one). */
  readonly port?: number;
  /** Storage directory to reuse (a restart passes the old one); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly claimTtlMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Reuse keys across processes sharing one store (restart, stale claim). */
  readonly keys?: LaunchedKeys;
  /** Receives each line the host prints, e.g. for progress or diagnostics. */
  readonly onOutput?: (line: string) => void;
}

export interface LaunchedKeys {
  readonly apiKey: string;
  readonly lowScopeApiKey?: string;
  readonly secondaryApiKey?: string;
}

export interface LaunchedHost {
  readonly baseUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly keys: LaunchedKeys;
  readonly pid: number | undefined;
  /** The last lines the host printed, for failure messages. */
  outputTail(): string;
  /** Every line the host printed so far (bounded), e.g. to find its structured log records. */
  outputLines(): readonly string[];
  /** Kills the process group at once (a crash, as far as the host can tell). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; removes a data dir this launch created. */
  stop(graceMs?: number): Promise<void>;
}

export class LaunchError extends Error {
  override readonly name = "LaunchError";
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Hosts must not outlive the suite, even when it dies on an exception. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) signalGroup(child, "SIGKILL");
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the group we created with `detached`, so wrappers like `pnpm start` die too.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

const MAX_KEPT_LINES = 20_000;

const newKey = (label: string) => `hk_conformance_${label}_${randomBytes(12).toString("hex")}`;

/** Starts the host a manifest describes and resolves once its readiness URL answers 200. */
export async function launchHost(loaded: LoadedHostManifest, options: LaunchOptions = {}): Promise<LaunchedHost> {
  installExitHook();
  const { manifest } = loaded;
  const port = options.port ?? (await freePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), `openwop-${manifest.name}-`)));
  const roles = new Set((manifest.extraKeys ?? []).map((key) => key.role));
  const keys: LaunchedKeys = options.keys ?? {
    apiKey: newKey("bootstrap"),
    ...(roles.has("low-scope") ? { lowScopeApiKey: newKey("lowscope") } : {}),
    ...(roles.has("secondary-tenant") ? { secondaryApiKey: newKey("tenant2") } : {}),
  };
  const extraKeys = (manifest.extraKeys ?? []).map((spec) => ({
    key: spec.role === "low-scope" ? keys.lowScopeApiKey : keys.secondaryApiKey,
    tenant: spec.tenant,
    scopes: spec.scopes,
  }));
  const values: Record<string, string | undefined> = {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    CLAIM_TTL_MS: String(options.claimTtlMs ?? 30_000),
    HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs ?? 10_000),
    API_KEY: keys.apiKey,
    EXTRA_API_KEYS: JSON.stringify(extraKeys),
  };
  const where = `host manifest ${loaded.path}`;
  const env: Record<string, string> = {};
  for (const [name, template] of Object.entries(manifest.env))
    env[name] = fillPlaceholders(template, values, `${where} env.${name}`);
  env[manifest.bootstrapKey.env] = keys.apiKey;
  const args = manifest.start.args.map((arg) => fillPlaceholders(arg, values, `${where} start.args`));
  const readinessUrl = fillPlaceholders(manifest.readiness.url, values, `${where} readiness.url`);

  const child = spawn(manifest.start.command, args, {
    cwd: loaded.cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  live.add(child);
  const lines: string[] = [];
  // Chunks can split a line; keep the unfinished remainder per stream until its newline.
  const collector = () => {
    let partial = "";
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString("utf8")).split(/\r?\n/);
      partial = parts.pop() ?? "";
      for (const line of parts) {
        if (line.length === 0) continue;
        lines.push(line);
        if (lines.length > MAX_KEPT_LINES) lines.shift();
        options.onOutput?.(line);
      }
    };
  };
  child.stdout?.on("data", collector());
  child.stderr?.on("data", collector());
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => live.delete(child));
  const spawnFailed = new Promise<Error>((resolve) => child.once("error", resolve));

  const host: LaunchedHost = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    keys,
    pid: child.pid,
    outputTail: () => lines.slice(-40).join("\n"),
    outputLines: () => lines,
    async kill() {
      signalGroup(child, "SIGKILL");
      await exited;
    },
    async stop(graceMs = 5_000) {
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (manifest.readiness.timeoutMs ?? 20_000);
  for (;;) {
    const failure = await Promise.race([
      spawnFailed,
      exited.then(() => new Error(`exited with ${child.exitCode ?? child.signalCode} before it was ready`)),
      probe(readinessUrl).then((ready) => (ready ? null : undefined)),
    ]);
    if (failure === null) return host;
    if (failure instanceof Error) {
      await host.stop(0).catch(() => undefined);
      throw new LaunchError(`${manifest.name}: ${failure.message}\n${host.outputTail()}`);
    }
    if (Date.now() > deadline) {
      await host.stop(0).catch(() => undefined);
      throw new LaunchError(
        `${manifest.name}: ${readinessUrl} not ready after ${manifest.readiness.timeoutMs ?? 20_000} ms\n${host.outputTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function probe(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
