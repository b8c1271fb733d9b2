import { HostConfigError, readIntegerEnv } from "../env-config.js";

/** The RFC 0009 floor: a production host keeps finished runs for at least 7 days. */
export const MIN_PRODUCTION_RETENTION_SECONDS = 604_800;
/** Idempotency records are kept at least a day (production profile P3). */
export const MIN_IDEMPOTENCY_RETENTION_SECONDS = 86_400;

/**
 * The operational limits of a durable host: backpressure, admission, retention and the
 * debug-bundle cap. One object read once at start-up, so discovery advertises exactly
 * what the running host enforces.
 */
export interface ProductionSettings {
  /** Requests served at once, open SSE streams and held long polls included (P2). */
  inflightCap: number;
  /** The retry hint of every 503: the `Retry-After` header and `details.retryAfter`. */
  retryAfterSeconds: number;
  /** Runs waiting to execute beyond which `POST /v1/runs` is refused with 503. */
  maxPendingRuns: number;
  /** How long finished runs are kept (P4). */
  retentionSeconds: number;
  /** Pause between retention sweeps. */
  retentionSweepIntervalMs: number;
  /** Runs deleted per storage transaction while sweeping, so live work is never blocked long. */
  retentionSweepBatchSize: number;
  /** How long Layer-1 idempotency records are kept before they are purged. */
  idempotencyRetentionSeconds: number;
  /** Largest debug bundle served, in bytes of JSON; larger bundles are truncated (P5). */
  debugBundleMaxBytes: number;
  /** Enables `POST /v1/host/test/expire/{runId}` for test keys (conformance only). */
  testForceExpire: boolean;
}

export const DEFAULT_PRODUCTION_SETTINGS: ProductionSettings = {
  inflightCap: 512,
  retryAfterSeconds: 1,
  maxPendingRuns: 10_000,
  retentionSeconds: MIN_PRODUCTION_RETENTION_SECONDS,
  retentionSweepIntervalMs: 60_000,
  retentionSweepBatchSize: 500,
  idempotencyRetentionSeconds: MIN_IDEMPOTENCY_RETENTION_SECONDS,
  debugBundleMaxBytes: 8 * 1024 * 1024,
  testForceExpire: false,
};

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new HostConfigError(`${name} must be 1/true or 0/false, got "${raw}"`);
}

/** Reads the production settings from the environment; out-of-range values stop start-up. */
export function readProductionSettings(env: NodeJS.ProcessEnv): ProductionSettings {
  const d = DEFAULT_PRODUCTION_SETTINGS;
  return {
    inflightCap: readIntegerEnv(env, "OPENWOP_INFLIGHT_CAP", d.inflightCap, 1, 1_000_000),
    retryAfterSeconds: readIntegerEnv(env, "OPENWOP_RETRY_AFTER_SECONDS", d.retryAfterSeconds, 0, 86_400),
    maxPendingRuns: readIntegerEnv(env, "OPENWOP_MAX_PENDING_RUNS", d.maxPendingRuns, 1, 100_000_000),
    retentionSeconds: readIntegerEnv(env, "OPENWOP_RETENTION_SECONDS", d.retentionSeconds, 1, 3_153_600_000),
    retentionSweepIntervalMs: readIntegerEnv(
      env,
      "OPENWOP_RETENTION_SWEEP_INTERVAL_MS",
      d.retentionSweepIntervalMs,
      10,
      86_400_000,
    ),
    retentionSweepBatchSize: readIntegerEnv(
      env,
      "OPENWOP_RETENTION_SWEEP_BATCH",
      d.retentionSweepBatchSize,
      1,
      100_000,
    ),
    idempotencyRetentionSeconds: readIntegerEnv(
      env,
      "OPENWOP_IDEMPOTENCY_RETENTION_SECONDS",
      d.idempotencyRetentionSeconds,
      MIN_IDEMPOTENCY_RETENTION_SECONDS,
      3_153_600_000,
    ),
    debugBundleMaxBytes: readIntegerEnv(
      env,
      "OPENWOP_DEBUG_BUNDLE_MAX_BYTES",
      d.debugBundleMaxBytes,
      1024,
      1_073_741_824,
    ),
    testForceExpire: flag(env, "OPENWOP_TEST_FORCE_EXPIRE"),
  };
}

/** Why these settings cannot be advertised as `openwop-production`, or undefined when they can. */
export function productionClaimBlocker(settings: ProductionSettings): string | undefined {
  if (settings.retentionSeconds < MIN_PRODUCTION_RETENTION_SECONDS) {
    return `OPENWOP_RETENTION_SECONDS=${settings.retentionSeconds} is below the ${MIN_PRODUCTION_RETENTION_SECONDS} s (7 day) floor of the production profile`;
  }
  return undefined;
}
