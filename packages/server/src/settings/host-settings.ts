/** A key the host stores at start besides the bootstrap key (a second tenant, a low-scope key). */
export interface ExtraApiKey {
  key: string;
  tenant: string;
  scopes: string[];
  /** Test keys may use the host's test seams. */
  test?: boolean;
}

/**
 * Everything a host is configured with, in one object. It is resolved once — from the
 * environment by `readHostSettings`, or from code by {@link resolveHostSettings} — and then
 * handed down: the host builds the engine, the retention sweeper and the app from it, and
 * discovery advertises exactly these values. (The log level is the logger's own: see
 * `logLevelFromEnv`.)
 */
export interface HostSettings {
  /** Listen port; 0 picks a free one. */
  port: number;
  /** Listen address. */
  host: string;
  /** The bootstrap key (tenant `default`, every scope); generated when absent. */
  apiKey: string | undefined;
  extraApiKeys: ExtraApiKey[];
  /** A directory of workflow definitions (`*.json`) registered at start, besides the fixtures. */
  workflowsDir: string | undefined;
  /** How long a claim on a run lasts without renewal. */
  claimTtlMs: number;
  /** How often claims are renewed; strictly shorter than the TTL. */
  heartbeatIntervalMs: number;
  /** Runs this process executes at once (delays and interrupts waiting in memory included). */
  maxActiveRuns: number;
  /** Requests served at once, open SSE streams and held long polls included (production P2). */
  inflightCap: number;
  /** The retry hint of every 503: the `Retry-After` header and `details.retryAfter`. */
  retryAfterSeconds: number;
  /** Runs waiting to execute beyond which `POST /v1/runs` is refused with 503. */
  maxPendingRuns: number;
  /** How long finished runs are kept (production P4). */
  retentionSeconds: number;
  /** Pause between retention sweeps. */
  retentionSweepIntervalMs: number;
  /** Runs deleted per storage transaction while sweeping, so live work is never blocked long. */
  retentionSweepBatchSize: number;
  /** How long Layer-1 idempotency records are kept before they are purged. */
  idempotencyRetentionSeconds: number;
  /** How long a duplicate idempotent request waits for the first one before answering 409. */
  idempotencyWaitMs: number;
  /** Largest debug bundle served, in bytes of JSON; larger bundles are truncated (production P5). */
  debugBundleMaxBytes: number;
  /** Largest accepted request body, advertised as `limits.maxRequestBodyBytes`. */
  maxRequestBodyBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have, advertised as `limits.maxJsonDepth`. */
  maxJsonDepth: number;
  /** How long a client has to send a request's headers before its connection is closed (slow-header clients). */
  headersTimeoutMs: number;
  /** How long a client has to send a whole request, body included; a stalled upload is closed after it. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open between requests. */
  keepAliveTimeoutMs: number;
  /** Keep-alive comment interval of SSE streams (at most 30 s). */
  sseKeepAliveMs: number;
  /** Enables `POST /v1/host/test/expire/{runId}` for test keys (conformance only). */
  testForceExpire: boolean;
  /** Requests per second each key may make (auth.md §7); no limit when undefined. */
  rateLimitPerKey: number | undefined;
  /** Requests a key may make at once after being idle; the per-second rate when undefined. */
  rateLimitBurst: number | undefined;
  /** An OpenID Connect issuer whose JWTs are accepted besides keys (auth.md §11). */
  oidcIssuer: string | undefined;
  /** The audience those tokens must name; required with an issuer. */
  oidcAudience: string | undefined;
  /** The claim a token's tenant is read from. */
  oidcTenantClaim: string;
  /** Attempts before a webhook delivery is dead-lettered (durable storage; 1 on the in-memory store). */
  webhookMaxAttempts: number;
  /** The first retry's backoff ceiling, doubled for each later one (full jitter). */
  webhookRetryBaseMs: number;
  /** The longest wait between two attempts. */
  webhookMaxRetryDelayMs: number;
  /** Failed attempts in a row that open a subscription's circuit. */
  webhookCircuitFailures: number;
  /** How long an open circuit holds deliveries back. */
  webhookCircuitOpenMs: number;
  /**
   * How long a process holds a delivery it attempts; a killed process's deliveries are
   * attempted by another after this. An attempt's timeout is kept within it.
   */
  webhookLeaseMs: number;
  /** Admit private and loopback receivers and plain http (webhooks.md §4.3): tests and local development only. */
  webhookAllowPrivate: boolean;
  /** The 32-byte key (base64 or hex) that seals webhook secrets at rest; production requires it. */
  webhookSecretKey: string | undefined;
  /** Node pack modules to load at start (`OPENWOP_NODE_PACKS`): paths or package names. */
  nodePacks: readonly string[];
}

export class HostConfigError extends Error {
  override readonly name = "HostConfigError";
}

/** The RFC 0009 floor: a production host keeps finished runs for at least 7 days. */
export const MIN_PRODUCTION_RETENTION_SECONDS = 604_800;
/** Idempotency records are kept at least a day (production profile P3). */
export const MIN_IDEMPOTENCY_RETENTION_SECONDS = 86_400;

const DEFAULT_CLAIM_TTL_MS = 30_000;

/** The heartbeat a TTL gets when none is chosen: a third of it, at most 10 s. */
const defaultHeartbeatFor = (claimTtlMs: number): number => Math.min(10_000, Math.floor(claimTtlMs / 3));

export const DEFAULT_HOST_SETTINGS: Readonly<HostSettings> = Object.freeze({
  port: 0,
  host: "127.0.0.1",
  apiKey: undefined,
  extraApiKeys: [],
  workflowsDir: undefined,
  claimTtlMs: DEFAULT_CLAIM_TTL_MS,
  heartbeatIntervalMs: defaultHeartbeatFor(DEFAULT_CLAIM_TTL_MS),
  maxActiveRuns: 10_000,
  inflightCap: 512,
  retryAfterSeconds: 1,
  maxPendingRuns: 10_000,
  retentionSeconds: MIN_PRODUCTION_RETENTION_SECONDS,
  retentionSweepIntervalMs: 60_000,
  retentionSweepBatchSize: 500,
  idempotencyRetentionSeconds: MIN_IDEMPOTENCY_RETENTION_SECONDS,
  idempotencyWaitMs: 5_000,
  debugBundleMaxBytes: 8 * 1024 * 1024,
  maxRequestBodyBytes: 1_048_576,
  maxJsonDepth: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  sseKeepAliveMs: 15_000,
  testForceExpire: false,
  rateLimitPerKey: undefined,
  rateLimitBurst: undefined,
  oidcIssuer: undefined,
  oidcAudience: undefined,
  oidcTenantClaim: "tenant",
  webhookMaxAttempts: 12,
  webhookRetryBaseMs: 1_000,
  webhookMaxRetryDelayMs: 3_600_000,
  webhookCircuitFailures: 4,
  webhookCircuitOpenMs: 3_600_000,
  webhookLeaseMs: 30_000,
  webhookAllowPrivate: false,
  webhookSecretKey: undefined,
  nodePacks: [],
});

/**
 * The defaults with `overrides` applied, checked as a whole. A chosen TTL without a chosen
 * heartbeat gets a heartbeat to match; a heartbeat that is not shorter than the TTL, or an
 * SSE keep-alive past 30 s, is refused.
 *
 * @example
 * const settings = resolveHostSettings({ inflightCap: 64, retentionSeconds: 1_209_600 });
 */
export function resolveHostSettings(overrides: Partial<HostSettings> = {}): HostSettings {
  const claimTtlMs = overrides.claimTtlMs ?? DEFAULT_HOST_SETTINGS.claimTtlMs;
  const settings: HostSettings = {
    ...DEFAULT_HOST_SETTINGS,
    heartbeatIntervalMs: defaultHeartbeatFor(claimTtlMs),
    ...withoutUndefined(overrides),
  };
  if (settings.heartbeatIntervalMs >= settings.claimTtlMs) {
    throw new HostConfigError(
      `OPENWOP_HEARTBEAT_INTERVAL_MS (${settings.heartbeatIntervalMs}) must be shorter than OPENWOP_CLAIM_TTL_MS (${settings.claimTtlMs})`,
    );
  }
  if ((settings.oidcIssuer === undefined) !== (settings.oidcAudience === undefined)) {
    throw new HostConfigError("OPENWOP_OIDC_ISSUER and OPENWOP_OIDC_AUDIENCE are set together or not at all");
  }
  if (settings.rateLimitBurst !== undefined && settings.rateLimitPerKey === undefined) {
    throw new HostConfigError("OPENWOP_RATE_LIMIT_BURST needs OPENWOP_RATE_LIMIT_PER_KEY");
  }
  if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
    throw new HostConfigError(
      `OPENWOP_HEADERS_TIMEOUT_MS (${settings.headersTimeoutMs}) must not exceed OPENWOP_REQUEST_TIMEOUT_MS (${settings.requestTimeoutMs})`,
    );
  }
  if (settings.sseKeepAliveMs > 30_000) {
    throw new HostConfigError(`sseKeepAliveMs (${settings.sseKeepAliveMs}) must be at most 30000`);
  }
  return settings;
}

/** Why these settings cannot be advertised as `openwop-production`, or undefined when they can. */
export function productionClaimBlocker(settings: HostSettings): string | undefined {
  if (settings.retentionSeconds < MIN_PRODUCTION_RETENTION_SECONDS) {
    return `OPENWOP_RETENTION_SECONDS=${settings.retentionSeconds} is below the ${MIN_PRODUCTION_RETENTION_SECONDS} s (7 day) floor of the production profile`;
  }
  if (settings.webhookAllowPrivate) {
    return "OPENWOP_WEBHOOK_ALLOW_PRIVATE is set: webhooks may reach private and loopback addresses (webhooks.md §4.3)";
  }
  if (settings.webhookSecretKey === undefined) {
    return "OPENWOP_WEBHOOK_SECRET_KEY is unset: webhook secrets would be stored unencrypted (webhooks.md §10)";
  }
  return undefined;
}

/** `{a: 1, b: undefined}` → `{a: 1}`, so an explicitly absent override keeps the default. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
