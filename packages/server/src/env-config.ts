/** Host settings read from the environment, shared by every example host (see DESIGN.md). */
export interface EnvHostConfig {
  port: number;
  host: string;
  apiKey: string | undefined;
  extraApiKeys: Array<{ key: string; tenant: string; scopes: string[]; test?: boolean }>;
  claimTtlMs: number;
  heartbeatIntervalMs: number;
  /** Runs this process executes at once (delays and interrupts waiting in memory included). */
  maxActiveRuns: number;
  workflowsDir: string | undefined;
}

export class HostConfigError extends Error {
  override readonly name = "HostConfigError";
}

/** An integer environment variable within [min, max]; anything else stops start-up with a clear reason. */
export function readIntegerEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HostConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function extraKeys(raw: string | undefined): EnvHostConfig["extraApiKeys"] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HostConfigError("OPENWOP_EXTRA_API_KEYS must be a JSON array of {key, tenant, scopes}");
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (k: unknown) =>
        typeof k === "object" &&
        k !== null &&
        typeof (k as { key?: unknown }).key === "string" &&
        typeof (k as { tenant?: unknown }).tenant === "string" &&
        Array.isArray((k as { scopes?: unknown }).scopes),
    );
  if (!valid) throw new HostConfigError("OPENWOP_EXTRA_API_KEYS must be a JSON array of {key, tenant, scopes}");
  return parsed as EnvHostConfig["extraApiKeys"];
}

export function readHostConfig(env: NodeJS.ProcessEnv, defaultPort: number): EnvHostConfig {
  const claimTtlMs = readIntegerEnv(env, "OPENWOP_CLAIM_TTL_MS", 30_000, 100, 3_600_000);
  const heartbeatIntervalMs = readIntegerEnv(
    env,
    "OPENWOP_HEARTBEAT_INTERVAL_MS",
    Math.min(10_000, Math.floor(claimTtlMs / 3)),
    10,
    3_600_000,
  );
  if (heartbeatIntervalMs >= claimTtlMs) {
    throw new HostConfigError(
      `OPENWOP_HEARTBEAT_INTERVAL_MS (${heartbeatIntervalMs}) must be shorter than OPENWOP_CLAIM_TTL_MS (${claimTtlMs})`,
    );
  }
  return {
    port: readIntegerEnv(env, "PORT", defaultPort, 0, 65_535),
    host: env["HOST"] || "127.0.0.1",
    apiKey: env["OPENWOP_API_KEY"] || undefined,
    extraApiKeys: extraKeys(env["OPENWOP_EXTRA_API_KEYS"]),
    claimTtlMs,
    heartbeatIntervalMs,
    maxActiveRuns: readIntegerEnv(env, "OPENWOP_MAX_ACTIVE_RUNS", 10_000, 1, 1_000_000),
    workflowsDir: env["OPENWOP_WORKFLOWS_DIR"] || undefined,
  };
}
