import {
  HostConfigError,
  MIN_IDEMPOTENCY_RETENTION_SECONDS,
  resolveHostSettings,
  type ExtraApiKey,
  type HostSettings,
} from "./host-settings.js";

/** How one environment variable becomes one setting; a value it cannot read stops start-up. */
interface Variable<T> {
  readonly name: string;
  readonly read: (raw: string, name: string) => T;
}

const integer =
  (min: number, max: number) =>
  (raw: string, name: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new HostConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };

const flag = (raw: string, name: string): boolean => {
  if (raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new HostConfigError(`${name} must be 1/true or 0/false, got "${raw}"`);
};

const text = (raw: string): string => raw;
/** Comma-separated module specifiers; blanks between commas are ignored. */
const moduleList = (raw: string): readonly string[] =>
  raw
    .split(",")
    .map((specifier) => specifier.trim())
    .filter((specifier) => specifier !== "");

const url = (raw: string, name: string): string => {
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new HostConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  // Issuers compare exactly; a trailing slash is part of the value, so keep what was given.
  return raw;
};

const extraApiKeys = (raw: string, name: string): ExtraApiKey[] => {
  const refuse = () => new HostConfigError(`${name} must be a JSON array of {key, tenant, scopes}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw refuse();
  }
  const isKey = (k: unknown): k is ExtraApiKey =>
    typeof k === "object" &&
    k !== null &&
    typeof (k as { key?: unknown }).key === "string" &&
    typeof (k as { tenant?: unknown }).tenant === "string" &&
    Array.isArray((k as { scopes?: unknown }).scopes);
  if (!Array.isArray(parsed) || !parsed.every(isKey)) throw refuse();
  return parsed;
};

/**
 * Every environment variable a host reads, and the setting it sets. This table is the one
 * place a variable is named (besides `OPENWOP_LOG_LEVEL`, which the logger reads, and the
 * storage location each host reads); docs/production.md lists them for operators.
 */
export const SETTINGS_FROM_ENV: { readonly [K in keyof HostSettings]?: Variable<HostSettings[K]> } = {
  port: { name: "PORT", read: integer(0, 65_535) },
  host: { name: "HOST", read: text },
  apiKey: { name: "OPENWOP_API_KEY", read: text },
  extraApiKeys: { name: "OPENWOP_EXTRA_API_KEYS", read: extraApiKeys },
  workflowsDir: { name: "OPENWOP_WORKFLOWS_DIR", read: text },
  nodePacks: { name: "OPENWOP_NODE_PACKS", read: moduleList },
  claimTtlMs: { name: "OPENWOP_CLAIM_TTL_MS", read: integer(100, 3_600_000) },
  heartbeatIntervalMs: { name: "OPENWOP_HEARTBEAT_INTERVAL_MS", read: integer(10, 3_600_000) },
  maxActiveRuns: { name: "OPENWOP_MAX_ACTIVE_RUNS", read: integer(1, 1_000_000) },
  inflightCap: { name: "OPENWOP_INFLIGHT_CAP", read: integer(1, 1_000_000) },
  retryAfterSeconds: { name: "OPENWOP_RETRY_AFTER_SECONDS", read: integer(0, 86_400) },
  maxPendingRuns: { name: "OPENWOP_MAX_PENDING_RUNS", read: integer(1, 100_000_000) },
  retentionSeconds: { name: "OPENWOP_RETENTION_SECONDS", read: integer(1, 3_153_600_000) },
  retentionSweepIntervalMs: { name: "OPENWOP_RETENTION_SWEEP_INTERVAL_MS", read: integer(10, 86_400_000) },
  retentionSweepBatchSize: { name: "OPENWOP_RETENTION_SWEEP_BATCH", read: integer(1, 100_000) },
  idempotencyRetentionSeconds: {
    name: "OPENWOP_IDEMPOTENCY_RETENTION_SECONDS",
    read: integer(MIN_IDEMPOTENCY_RETENTION_SECONDS, 3_153_600_000),
  },
  debugBundleMaxBytes: { name: "OPENWOP_DEBUG_BUNDLE_MAX_BYTES", read: integer(1024, 1_073_741_824) },
  maxJsonDepth: { name: "OPENWOP_MAX_JSON_DEPTH", read: integer(2, 1_000) },
  headersTimeoutMs: { name: "OPENWOP_HEADERS_TIMEOUT_MS", read: integer(100, 600_000) },
  requestTimeoutMs: { name: "OPENWOP_REQUEST_TIMEOUT_MS", read: integer(100, 3_600_000) },
  keepAliveTimeoutMs: { name: "OPENWOP_KEEP_ALIVE_TIMEOUT_MS", read: integer(100, 600_000) },
  testForceExpire: { name: "OPENWOP_TEST_FORCE_EXPIRE", read: flag },
  rateLimitPerKey: { name: "OPENWOP_RATE_LIMIT_PER_KEY", read: integer(1, 1_000_000) },
  rateLimitBurst: { name: "OPENWOP_RATE_LIMIT_BURST", read: integer(1, 10_000_000) },
  oidcIssuer: { name: "OPENWOP_OIDC_ISSUER", read: url },
  oidcAudience: { name: "OPENWOP_OIDC_AUDIENCE", read: text },
  oidcTenantClaim: { name: "OPENWOP_OIDC_TENANT_CLAIM", read: text },
  webhookMaxAttempts: { name: "OPENWOP_WEBHOOK_MAX_ATTEMPTS", read: integer(1, 100) },
  webhookRetryBaseMs: { name: "OPENWOP_WEBHOOK_RETRY_BASE_MS", read: integer(1, 3_600_000) },
  webhookMaxRetryDelayMs: { name: "OPENWOP_WEBHOOK_MAX_RETRY_DELAY_MS", read: integer(1, 86_400_000) },
  webhookCircuitFailures: { name: "OPENWOP_WEBHOOK_CIRCUIT_FAILURES", read: integer(1, 10_000) },
  webhookCircuitOpenMs: { name: "OPENWOP_WEBHOOK_CIRCUIT_OPEN_MS", read: integer(1, 86_400_000) },
  webhookLeaseMs: { name: "OPENWOP_WEBHOOK_LEASE_MS", read: integer(1_000, 3_600_000) },
  webhookAllowPrivate: { name: "OPENWOP_WEBHOOK_ALLOW_PRIVATE", read: flag },
  webhookSecretKey: { name: "OPENWOP_WEBHOOK_SECRET_KEY", read: text },
};

/**
 * The host's settings from the environment: each variable of {@link SETTINGS_FROM_ENV} that
 * is set and non-empty overrides `base` (a host's own defaults, such as its port), which
 * overrides the toolkit's defaults. Unreadable values throw {@link HostConfigError} naming
 * the variable.
 *
 * @example
 * const settings = readHostSettings(process.env, { port: 3838 });
 */
export function readHostSettings(env: NodeJS.ProcessEnv, base: Partial<HostSettings> = {}): HostSettings {
  const fromEnv: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(SETTINGS_FROM_ENV) as Array<[string, Variable<unknown>]>) {
    const raw = env[variable.name];
    if (raw !== undefined && raw !== "") fromEnv[key] = variable.read(raw, variable.name);
  }
  return resolveHostSettings({ ...base, ...(fromEnv as Partial<HostSettings>) });
}
