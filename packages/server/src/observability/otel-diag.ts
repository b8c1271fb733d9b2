import { DiagLogLevel, diag, type DiagLogFunction } from "@opentelemetry/api";
import type { Logger } from "pino";

const LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * Sends the OpenTelemetry SDK's own diagnostics (export failures, bad settings) to the
 * host's structured log, so standard output stays one JSON object per line. The SDK
 * installs a console logger when it starts; this replaces it. `OTEL_LOG_LEVEL` sets the
 * threshold (default `warn`).
 */
export function routeOtelDiagnostics(logger: Logger, level: string | undefined): void {
  const line =
    (write: (record: object, message: string) => void): DiagLogFunction =>
    (message, ...args) =>
      write({ event: "otel.diagnostic", ...(args.length > 0 ? { args: args.map(String) } : {}) }, message);
  diag.setLogger(
    {
      error: line((record, message) => logger.error(record, message)),
      warn: line((record, message) => logger.warn(record, message)),
      info: line((record, message) => logger.info(record, message)),
      debug: line((record, message) => logger.debug(record, message)),
      verbose: line((record, message) => logger.trace(record, message)),
    },
    { logLevel: LEVELS[(level ?? "warn").trim().toLowerCase()] ?? DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}
