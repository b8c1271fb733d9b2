import type { StorageAdapter } from "@openwop/storage";
import type { Implementation } from "./discovery.js";
import { HostConfigError, readHostConfig } from "./env-config.js";
import { startOpenWopHost, type HostOptions } from "./host.js";

export interface HostMainOptions {
  implementation: Implementation;
  defaultPort: number;
  /** Opens the host's storage from the environment; throw HostConfigError for bad settings. */
  openAdapter: (env: NodeJS.ProcessEnv) => Promise<StorageAdapter>;
  /** Extra host options derived from the environment (discovery blocks, engine tuning). */
  extraOptions?: (env: NodeJS.ProcessEnv) => Partial<HostOptions>;
}

/**
 * The whole life of a host process: read the environment, open storage, listen, print
 * where, and on SIGTERM/SIGINT drain and release claims before exiting. Configuration
 * problems exit with status 2 and a one-line reason instead of a stack trace.
 */
export async function runHostMain(options: HostMainOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let host;
  try {
    const config = readHostConfig(env, options.defaultPort);
    const adapter = await options.openAdapter(env);
    host = await startOpenWopHost({
      adapter,
      implementation: options.implementation,
      port: config.port,
      host: config.host,
      ...(config.apiKey ? { apiKey: config.apiKey } : {}),
      extraApiKeys: config.extraApiKeys,
      ...(config.workflowsDir ? { workflowsDir: config.workflowsDir } : {}),
      engine: { claimTtlMs: config.claimTtlMs, heartbeatIntervalMs: config.heartbeatIntervalMs, onError: logError },
      app: { onError: (error, correlationId) => logError(error, `request ${correlationId}`) },
      ...options.extraOptions?.(env),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${options.implementation.name}: cannot start: ${message}\n`);
    process.exitCode = error instanceof HostConfigError ? 2 : 1;
    return;
  }
  process.stdout.write(`openwop host listening on ${host.url}\n`);
  if (!env["OPENWOP_API_KEY"]) process.stdout.write(`bootstrap api key: ${host.apiKey}\n`);
  const running = host;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received: draining and releasing claims\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logError(error, "shutdown");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

function logError(error: unknown, context: string): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${JSON.stringify({ level: "error", context, message })}\n`);
}
