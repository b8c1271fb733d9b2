import {
  DRAIN_POLICIES,
  ENGINE_VERSION,
  SCOPES,
  type DeliveryPolicy,
  EXPRESSION_LANGUAGE,
  EXPRESSION_LANGUAGE_VERSION,
  EXPRESSION_LIMITS,
  type GraceLimits,
  type RunLimits,
} from "@openwop/core";
import type { JsonObject } from "@openwop/storage";
import { STREAM_MODE_VALUES } from "@openwop/types";
import type { HostSettings } from "./settings/host-settings.js";

export interface Implementation {
  name: string;
  version: string;
  vendor?: string;
}

export interface DiscoveryOptions {
  implementation: Implementation;
  fixtures: string[];
  /** The engine's run limits, advertised under `limits` and `configurable`. */
  limits: RunLimits;
  /** Body and nesting caps, idempotency retention, debug-bundle cap, rate limit and token issuer come from here. */
  settings: Pick<
    HostSettings,
    | "maxRequestBodyBytes"
    | "maxJsonDepth"
    | "idempotencyRetentionSeconds"
    | "debugBundleMaxBytes"
    | "rateLimitPerKey"
    | "rateLimitBurst"
    | "oidcIssuer"
    | "oidcAudience"
  >;
  /** The rotation overlap the key routes allow. */
  keyGrace: GraceLimits;
  /** How deliveries are made: durable when storage is, with the retry policy it applies. */
  webhooks: { durable: boolean; policy: Pick<DeliveryPolicy, "maxAttempts" | "retryBaseMs" | "maxRetryDelayMs"> };
  /** Optional capability blocks, advertised only when the host really serves them. */
  extra?: JsonObject;
}

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
      maxNodeExecutions: options.limits.maxNodeExecutions,
      maxRunDurationMs: options.limits.maxRunDurationMs,
      maxRequestBodyBytes: options.settings.maxRequestBodyBytes,
      maxJsonDepth: options.settings.maxJsonDepth,
    },
    implementation: { ...options.implementation },
    engineVersion: ENGINE_VERSION,
    eventLogSchemaVersion: 2,
    supportedTransports: ["rest"],
    fixtures: [...options.fixtures],
    streamModes: [...STREAM_MODE_VALUES],
    idempotency: {
      supported: true,
      layer1RetentionSeconds: options.settings.idempotencyRetentionSeconds,
      crossRegion: "single-region",
    },
    configurable: {
      recursionLimit: { type: "number", min: 1, max: options.limits.maxNodeExecutions },
      runTimeoutMs: { type: "number", min: 1, max: options.limits.maxRunDurationMs },
    },
    // Every host serves debug bundles; `maxBytes` is the cap it really applies (debug-bundle.md §1).
    debugBundle: { supported: true, maxBytes: options.settings.debugBundleMaxBytes },
    runs: { list: true, bulkCancel: true, pauseResume: { supported: true, drainPolicies: [...DRAIN_POLICIES] } },
    // The engine evaluates CEL in port values and edge conditions within these bounds (core.md §8.9).
    expressions: {
      language: EXPRESSION_LANGUAGE,
      version: EXPRESSION_LANGUAGE_VERSION,
      maxExpressionBytes: EXPRESSION_LIMITS.maxSourceBytes,
    },
    auth: {
      schemes: ["bearer"],
      scopes: [...SCOPES],
      ...(options.settings.oidcIssuer !== undefined && options.settings.oidcAudience !== undefined
        ? { oidc: { issuer: options.settings.oidcIssuer, audience: options.settings.oidcAudience } }
        : {}),
    },
    // Every host serves the key routes (auth.md §10); its authenticator re-reads key state at
    // least every 250 ms, inside the one second advertised.
    keys: {
      supported: true,
      defaultGraceSeconds: options.keyGrace.defaultGraceSeconds,
      maxGraceSeconds: options.keyGrace.maxGraceSeconds,
      revocationPropagationSeconds: 1,
    },
    // Every host delivers webhooks (webhooks.md §12-§14); only durable storage retries them
    // after a crash, so only then are the retry figures a promise.
    webhooks: {
      supported: true,
      signatureAlgorithms: ["v1", "standard-webhooks"],
      durable: options.webhooks.durable,
      ...(options.webhooks.durable
        ? {
            maxAttempts: options.webhooks.policy.maxAttempts,
            retryBaseMs: options.webhooks.policy.retryBaseMs,
            maxRetryDelayMs: options.webhooks.policy.maxRetryDelayMs,
          }
        : {}),
    },
    ...(options.settings.rateLimitPerKey === undefined
      ? {}
      : {
          rateLimit: {
            supported: true,
            scope: "key",
            requestsPerSecond: options.settings.rateLimitPerKey,
            burst: options.settings.rateLimitBurst ?? options.settings.rateLimitPerKey,
          },
        }),
    ...(options.extra ?? {}),
  };
}
