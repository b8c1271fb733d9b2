import { ENGINE_VERSION } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";

export interface Implementation {
  name: string;
  version: string;
  vendor?: string;
}

export interface DiscoveryOptions {
  implementation: Implementation;
  fixtures: string[];
  maxNodeExecutions: number;
  maxRunDurationMs: number;
  maxRequestBodyBytes: number;
  idempotencyRetentionSeconds: number;
  /** The debug-bundle size cap the host applies, advertised as `debugBundle.maxBytes`. */
  debugBundleMaxBytes: number;
  /** Optional capability blocks, advertised only when the host really serves them. */
  extra?: JsonObject;
}

export const STREAM_MODES = ["updates", "values", "messages", "debug"] as const;

/** The discovery document, every family at the root. Only what this host honours is advertised. */
export function buildDiscoveryDocument(options: DiscoveryOptions): JsonObject {
  return {
    protocolVersion: "1.0",
    supportedEnvelopes: ["clarification.request"],
    schemaVersions: { "clarification.request": 1 },
    limits: {
      clarificationRounds: 3,
      schemaRounds: 2,
      envelopesPerTurn: 5,
      maxNodeExecutions: options.maxNodeExecutions,
      maxRunDurationMs: options.maxRunDurationMs,
      maxRequestBodyBytes: options.maxRequestBodyBytes,
    },
    implementation: { ...options.implementation },
    engineVersion: ENGINE_VERSION,
    eventLogSchemaVersion: 2,
    supportedTransports: ["rest"],
    fixtures: [...options.fixtures],
    streamModes: [...STREAM_MODES],
    idempotency: {
      supported: true,
      layer1RetentionSeconds: options.idempotencyRetentionSeconds,
      crossRegion: "single-region",
    },
    configurable: {
      recursionLimit: { type: "number", min: 1, max: options.maxNodeExecutions },
      runTimeoutMs: { type: "number", min: 1, max: options.maxRunDurationMs },
    },
    // Every host serves debug bundles; `maxBytes` is the cap it really applies (debug-bundle.md §1).
    debugBundle: { supported: true, maxBytes: options.debugBundleMaxBytes },
    ...(options.extra ?? {}),
  };
}
