import { describe, expect, it } from "vitest";
import { HostConfigError } from "../env-config.js";
import { productionDiscoveryBlock } from "./discovery-block.js";
import { DEFAULT_PRODUCTION_SETTINGS, productionClaimBlocker, readProductionSettings } from "./settings.js";

describe("production settings from the environment", () => {
  it("defaults to the documented values", () => {
    expect(readProductionSettings({})).toEqual(DEFAULT_PRODUCTION_SETTINGS);
    expect(DEFAULT_PRODUCTION_SETTINGS).toMatchObject({
      retentionSeconds: 604_800,
      idempotencyRetentionSeconds: 86_400,
      debugBundleMaxBytes: 8 * 1024 * 1024,
    });
  });

  it("reads every variable", () => {
    const settings = readProductionSettings({
      OPENWOP_INFLIGHT_CAP: "12",
      OPENWOP_RETRY_AFTER_SECONDS: "0",
      OPENWOP_MAX_PENDING_RUNS: "7",
      OPENWOP_RETENTION_SECONDS: "1209600",
      OPENWOP_RETENTION_SWEEP_INTERVAL_MS: "5000",
      OPENWOP_RETENTION_SWEEP_BATCH: "50",
      OPENWOP_IDEMPOTENCY_RETENTION_SECONDS: "172800",
      OPENWOP_DEBUG_BUNDLE_MAX_BYTES: "65536",
      OPENWOP_TEST_FORCE_EXPIRE: "true",
    });
    expect(settings).toEqual({
      inflightCap: 12,
      retryAfterSeconds: 0,
      maxPendingRuns: 7,
      retentionSeconds: 1_209_600,
      retentionSweepIntervalMs: 5_000,
      retentionSweepBatchSize: 50,
      idempotencyRetentionSeconds: 172_800,
      debugBundleMaxBytes: 65_536,
      testForceExpire: true,
    });
  });

  it.each([
    ["OPENWOP_RETRY_AFTER_SECONDS", "86401"],
    ["OPENWOP_RETRY_AFTER_SECONDS", "-1"],
    ["OPENWOP_INFLIGHT_CAP", "0"],
    ["OPENWOP_INFLIGHT_CAP", "ten"],
    ["OPENWOP_MAX_PENDING_RUNS", "1.5"],
    ["OPENWOP_IDEMPOTENCY_RETENTION_SECONDS", "3600"],
    ["OPENWOP_TEST_FORCE_EXPIRE", "yes"],
  ])("refuses %s=%s with a reason naming the variable", (name, value) => {
    expect(() => readProductionSettings({ [name]: value })).toThrow(HostConfigError);
    expect(() => readProductionSettings({ [name]: value })).toThrow(name);
  });

  it("blocks the production claim below the seven-day retention floor, and only then", () => {
    expect(productionClaimBlocker(readProductionSettings({ OPENWOP_RETENTION_SECONDS: "604799" }))).toMatch(
      /OPENWOP_RETENTION_SECONDS=604799/,
    );
    expect(productionClaimBlocker(readProductionSettings({ OPENWOP_RETENTION_SECONDS: "604800" }))).toBeUndefined();
  });

  it("advertises exactly the enforced values", () => {
    const block = productionDiscoveryBlock({
      ...DEFAULT_PRODUCTION_SETTINGS,
      inflightCap: 9,
      retryAfterSeconds: 3,
      retentionSeconds: 700_000,
      testForceExpire: true,
    });
    expect(block).toEqual({
      supported: true,
      backpressure: { supported: true, inflightCap: 9, retryAfterSeconds: 3 },
      retention: { supported: true, minWindowSeconds: 700_000, testForceExpire: true },
      debugBundle: { supported: true, truncationMetadata: true },
    });
  });
});
