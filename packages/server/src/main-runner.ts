import type { StorageAdapter } from "@openwop/storage";
import type { Implementation } from "./discovery.js";
import type { ConfiguredKeysReport } from "@openwop/core";
import { startOpenWopHost } from "./host.js";
import { createLogger, errorField, logLevelFromEnv, type Logger } from "./observability/logger.js";
import { startOtelSdk, type OtelSdkHandle } from "./observability/otel-sdk.js";
import { readHostSettings } from "./settings/environment.js";
import { HostConfigError } from "./settings/host-settings.js";

export interface HostMainOptions {
  implementation: Implementation;
  defaultPort: number;
  /**
   * Opens the host's storage from the environment; throw HostConfigError for bad settings.
   * Whether the storage is durable (and so whether the host may advertise
   * `openwop-production`) is the adapter's to say.
   */
  openAdapter: (env: NodeJS.ProcessEnv) => Promise<StorageAdapter>;
}

/**
 * The whole life of a host process: read the environment, open storage, listen, print
 * where, and on SIGTERM/SIGINT drain and release claims before exiting. Configuration
 * problems exit with status 2 and a one-line reason instead of a stack trace.
 *
 * Everything it reports is a JSON log line on standard output, except two plain lines that
 * tools grep for: `openwop host listening on <url>` and `bootstrap api key: <key>`. When the
 * standard `OTEL_*` export variables are set, the OpenTelemetry SDK is started first and
 * shut down (flushed) on exit.
 */
export async function runHostMain(options: HostMainOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let host;
  let logger: Logger | undefined;
  let otel: OtelSdkHandle | undefined;
  try {
    logger = createLogger({ level: logLevelFromEnv(env) });
    const settings = readHostSettings(env, { port: options.defaultPort });
    // Before the host exists: its meters must come from the registered provider.
    otel = await startOtelSdk(env, options.implementation, logger);
    if (otel.started)
      logger.info({ event: "host.otel_started" }, "OpenTelemetry export started from the OTEL_* environment");
    const adapter = await options.openAdapter(env);
    // Engine and request errors go to `logger` (the host's and the app's defaults use it).
    host = await startOpenWopHost({ adapter, implementation: options.implementation, settings, app: { logger } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (logger)
      logger.error(
        { event: "host.start_failed", err: errorField(error) },
        `${options.implementation.name}: cannot start: ${message}`,
      );
    // Without a logger the log level itself was the problem: say so plainly.
    else process.stderr.write(`${options.implementation.name}: cannot start: ${message}\n`);
    await otel?.shutdown().catch(() => undefined);
    process.exitCode = error instanceof HostConfigError ? 2 : 1;
    return;
  }
  process.stdout.write(`openwop host listening on ${host.url}\n`);
  for (const line of describeConfiguredKeys(host.keys))
    process.stderr.write(`${options.implementation.name}: ${line}\n`);
  if (host.keys.bootstrap.outcome === "generated") process.stdout.write(`bootstrap api key: ${host.apiKey}\n`);
  const running = host;
  const log = logger;
  const telemetry = otel;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ event: "host.stopping", signal }, `${signal} received: draining and releasing claims`);
    running
      .close()
      .then(
        () => 0,
        (error: unknown) => {
          log.error({ event: "host.stop_failed", err: errorField(error) }, "shutdown failed");
          return 1;
        },
      )
      // Flush spans and metrics still buffered; an exporter problem never blocks the exit code.
      .then(async (code) => {
        await telemetry?.shutdown().catch(() => undefined);
        process.exit(code);
      });
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

/** What start-up did with the configured keys, in words for an operator (auth.md §10.9). */
export function describeConfiguredKeys(report: ConfiguredKeysReport): string[] {
  const { bootstrap } = report;
  const prefix = `${bootstrap.record.prefix}…`;
  const lines = [
    {
      kept: `bootstrap key ${prefix} from OPENWOP_API_KEY is already stored and stays the bootstrap key`,
      created: `bootstrap key ${prefix} from OPENWOP_API_KEY stored`,
      generated: `bootstrap key ${prefix} generated (OPENWOP_API_KEY is unset); it is printed once on standard output`,
      revoked: `bootstrap key ${prefix} from OPENWOP_API_KEY was revoked earlier and stays revoked: this host has no valid bootstrap key`,
    }[bootstrap.outcome],
  ];
  for (const retired of report.retired) lines.push(`previous bootstrap key ${retired.prefix}… revoked`);
  for (const created of report.extras.created) lines.push(`configured key ${created.prefix}… stored`);
  for (const revoked of report.extras.revoked) {
    lines.push(`configured key ${revoked.prefix}… revoked (no longer in OPENWOP_EXTRA_API_KEYS)`);
  }
  return lines;
}
