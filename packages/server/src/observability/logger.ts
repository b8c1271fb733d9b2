import { pino, type DestinationStream, type Level, type Logger } from "pino";
import { HostConfigError } from "../settings/host-settings.js";

export type { Logger } from "pino";

const LEVELS: ReadonlySet<string> = new Set<Level | "silent">([
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
]);

/** `OPENWOP_LOG_LEVEL` (default `info`); anything else than a pino level is a configuration error. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv): string {
  const raw = env["OPENWOP_LOG_LEVEL"]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return "info";
  if (!LEVELS.has(raw))
    throw new HostConfigError(`OPENWOP_LOG_LEVEL must be one of ${[...LEVELS].join(", ")}, got "${raw}"`);
  return raw;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; standard output (written synchronously) by default. */
  destination?: DestinationStream;
}

/**
 * The host's structured log: one JSON object per line with an RFC 3339 `time` and a
 * string `level` (observability.md §5.1–§5.2).
 *
 * Standard output is written synchronously: a line is in the pipe before the next turn
 * of the event loop, so a supervisor reading it (or a crash right after) never loses or
 * reorders it relative to the plain start-up lines.
 *
 * Records are built from chosen fields only, never from headers or bodies; the redaction
 * list is a second line of defence should a caller log an object carrying credentials.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "authorization",
          "*.authorization",
          "*.headers.authorization",
          "apiKey",
          "*.apiKey",
          "idempotencyKey",
          "*.idempotencyKey",
          "secret",
          "*.secret",
        ],
        censor: "[REDACTED]",
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** An error as a log field: type, message and stack, nothing else it may carry. */
export function errorField(error: unknown): { type: string; message: string; stack?: string } {
  if (error instanceof Error)
    return { type: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { type: typeof error, message: String(error) };
}
