import { describe, expect, it } from "vitest";
import { productionDiscoveryBlock } from "../production/discovery-block.js";
import { readHostSettings, SETTINGS_FROM_ENV } from "./environment.js";
import {
  DEFAULT_HOST_SETTINGS,
  HostConfigError,
  productionClaimBlocker,
  resolveHostSettings,
} from "./host-settings.js";

describe("host settings from the environment", () => {
  it("defaults to the documented values", () => {
    expect(readHostSettings({})).toEqual(DEFAULT_HOST_SETTINGS);
    expect(DEFAULT_HOST_SETTINGS).toMatchObject({
      host: "127.0.0.1",
      claimTtlMs: 30_000,
      heartbeatIntervalMs: 10_000,
      maxActiveRuns: 10_000,
      inflightCap: 512,
      retryAfterSeconds: 1,
      maxPendingRuns: 10_000,
      retentionSeconds: 604_800,
      idempotencyRetentionSeconds: 86_400,
      debugBundleMaxBytes: 8 * 1024 * 1024,
      maxRequestBodyBytes: 1_048_576,
      testForceExpire: false,
    });
  });

  it("reads every variable", () => {
    const settings = readHostSettings({
      PORT: "4001",
      HOST: "0.0.0.0",
      OPENWOP_API_KEY: "hk_test_env",
      OPENWOP_EXTRA_API_KEYS: JSON.stringify([{ key: "hk_b", tenant: "b", scopes: ["runs:read"] }]),
      OPENWOP_WORKFLOWS_DIR: "/tmp/workflows",
      OPENWOP_CLAIM_TTL_MS: "9000",
      OPENWOP_HEARTBEAT_INTERVAL_MS: "2000",
      OPENWOP_MAX_ACTIVE_RUNS: "33",
      OPENWOP_INFLIGHT_CAP: "12",
      OPENWOP_RETRY_AFTER_SECONDS: "0",
      OPENWOP_MAX_PENDING_RUNS: "7",
      OPENWOP_RETENTION_SECONDS: "1209600",
      OPENWOP_RETENTION_SWEEP_INTERVAL_MS: "5000",
      OPENWOP_RETENTION_SWEEP_BATCH: "50",
      OPENWOP_IDEMPOTENCY_RETENTION_SECONDS: "172800",
      OPENWOP_DEBUG_BUNDLE_MAX_BYTES: "65536",
      OPENWOP_MAX_JSON_DEPTH: "16",
      OPENWOP_HEADERS_TIMEOUT_MS: "2000",
      OPENWOP_REQUEST_TIMEOUT_MS: "8000",
      OPENWOP_KEEP_ALIVE_TIMEOUT_MS: "3000",
      OPENWOP_TEST_FORCE_EXPIRE: "true",
      OPENWOP_RATE_LIMIT_PER_KEY: "20",
      OPENWOP_RATE_LIMIT_BURST: "40",
      OPENWOP_OIDC_ISSUER: "https://id.example.com",
      OPENWOP_OIDC_AUDIENCE: "openwop",
      OPENWOP_OIDC_TENANT_CLAIM: "org",
      OPENWOP_WEBHOOK_MAX_ATTEMPTS: "5",
      OPENWOP_WEBHOOK_RETRY_BASE_MS: "250",
      OPENWOP_WEBHOOK_MAX_RETRY_DELAY_MS: "60000",
      OPENWOP_WEBHOOK_CIRCUIT_FAILURES: "3",
      OPENWOP_WEBHOOK_CIRCUIT_OPEN_MS: "120000",
      OPENWOP_WEBHOOK_LEASE_MS: "8000",
      OPENWOP_WEBHOOK_ALLOW_PRIVATE: "true",
      OPENWOP_WEBHOOK_SECRET_KEY: "k".repeat(44),
      OPENWOP_NODE_PACKS: "./packs/http.mjs,@acme/pack",
    });
    expect(settings).toEqual({
      ...DEFAULT_HOST_SETTINGS,
      port: 4001,
      host: "0.0.0.0",
      apiKey: "hk_test_env",
      extraApiKeys: [{ key: "hk_b", tenant: "b", scopes: ["runs:read"] }],
      workflowsDir: "/tmp/workflows",
      claimTtlMs: 9_000,
      heartbeatIntervalMs: 2_000,
      maxActiveRuns: 33,
      inflightCap: 12,
      retryAfterSeconds: 0,
      maxPendingRuns: 7,
      retentionSeconds: 1_209_600,
      retentionSweepIntervalMs: 5_000,
      retentionSweepBatchSize: 50,
      idempotencyRetentionSeconds: 172_800,
      debugBundleMaxBytes: 65_536,
      maxJsonDepth: 16,
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 8_000,
      keepAliveTimeoutMs: 3_000,
      testForceExpire: true,
      rateLimitPerKey: 20,
      rateLimitBurst: 40,
      oidcIssuer: "https://id.example.com",
      oidcAudience: "openwop",
      oidcTenantClaim: "org",
      webhookMaxAttempts: 5,
      webhookRetryBaseMs: 250,
      webhookMaxRetryDelayMs: 60_000,
      webhookCircuitFailures: 3,
      webhookCircuitOpenMs: 120_000,
      webhookLeaseMs: 8_000,
      webhookAllowPrivate: true,
      webhookSecretKey: "k".repeat(44),
      nodePacks: ["./packs/http.mjs", "@acme/pack"],
    });
    // The test above names every variable of the table, so a new one cannot go untested.
    expect(Object.values(SETTINGS_FROM_ENV).map((variable) => variable.name)).toHaveLength(35);
  });

  it("refuses a headers timeout longer than the request timeout", () => {
    expect(() => readHostSettings({ OPENWOP_HEADERS_TIMEOUT_MS: "40000" })).toThrow(/OPENWOP_HEADERS_TIMEOUT_MS/);
  });

  it("lets the environment override a host's own defaults, and empty values keep them", () => {
    expect(readHostSettings({}, { port: 3838 }).port).toBe(3838);
    expect(readHostSettings({ PORT: "4000" }, { port: 3838 }).port).toBe(4000);
    expect(readHostSettings({ PORT: "", OPENWOP_API_KEY: "" }, { port: 3838 })).toMatchObject({
      port: 3838,
      apiKey: undefined,
    });
  });

  it("derives the heartbeat from a chosen TTL and refuses one that is not shorter", () => {
    expect(readHostSettings({ OPENWOP_CLAIM_TTL_MS: "900" }).heartbeatIntervalMs).toBe(300);
    expect(resolveHostSettings({ claimTtlMs: 60_000 }).heartbeatIntervalMs).toBe(10_000);
    expect(() => readHostSettings({ OPENWOP_CLAIM_TTL_MS: "1000", OPENWOP_HEARTBEAT_INTERVAL_MS: "1000" })).toThrow(
      /OPENWOP_HEARTBEAT_INTERVAL_MS \(1000\) must be shorter than OPENWOP_CLAIM_TTL_MS \(1000\)/,
    );
    expect(() => resolveHostSettings({ sseKeepAliveMs: 30_001 })).toThrow(HostConfigError);
  });

  it.each([
    ["OPENWOP_RETRY_AFTER_SECONDS", "86401"],
    ["OPENWOP_RETRY_AFTER_SECONDS", "-1"],
    ["OPENWOP_INFLIGHT_CAP", "0"],
    ["OPENWOP_INFLIGHT_CAP", "ten"],
    ["OPENWOP_MAX_PENDING_RUNS", "1.5"],
    ["OPENWOP_IDEMPOTENCY_RETENTION_SECONDS", "3600"],
    ["OPENWOP_TEST_FORCE_EXPIRE", "yes"],
    ["PORT", "65536"],
    ["OPENWOP_CLAIM_TTL_MS", "99"],
    ["OPENWOP_MAX_ACTIVE_RUNS", "0"],
    ["OPENWOP_EXTRA_API_KEYS", '[{"key": 1}]'],
    ["OPENWOP_EXTRA_API_KEYS", "not json"],
    ["OPENWOP_RATE_LIMIT_PER_KEY", "0"],
    ["OPENWOP_OIDC_ISSUER", "id.example.com"],
    ["OPENWOP_OIDC_ISSUER", "https://id.example.com"],
  ])("refuses %s=%s with a reason naming the variable", (name, value) => {
    expect(() => readHostSettings({ [name]: value })).toThrow(HostConfigError);
    expect(() => readHostSettings({ [name]: value })).toThrow(name);
  });

  it("blocks the production claim below the seven-day retention floor, with private webhook receivers, or with unsealed secrets", () => {
    const key = { OPENWOP_WEBHOOK_SECRET_KEY: "k".repeat(44) };
    expect(productionClaimBlocker(readHostSettings({ ...key, OPENWOP_RETENTION_SECONDS: "604799" }))).toMatch(
      /OPENWOP_RETENTION_SECONDS=604799/,
    );
    expect(productionClaimBlocker(readHostSettings({ ...key, OPENWOP_RETENTION_SECONDS: "604800" }))).toBeUndefined();
    expect(productionClaimBlocker(readHostSettings({ ...key, OPENWOP_WEBHOOK_ALLOW_PRIVATE: "1" }))).toMatch(
      /OPENWOP_WEBHOOK_ALLOW_PRIVATE/,
    );
    expect(productionClaimBlocker(readHostSettings({}))).toMatch(/OPENWOP_WEBHOOK_SECRET_KEY is unset/);
  });

  it("advertises exactly the enforced values", () => {
    const block = productionDiscoveryBlock(
      resolveHostSettings({ inflightCap: 9, retryAfterSeconds: 3, retentionSeconds: 700_000, testForceExpire: true }),
    );
    expect(block).toEqual({
      supported: true,
      backpressure: { supported: true, inflightCap: 9, retryAfterSeconds: 3 },
      retention: { supported: true, minWindowSeconds: 700_000, testForceExpire: true },
      debugBundle: { supported: true, truncationMetadata: true },
    });
  });
});
