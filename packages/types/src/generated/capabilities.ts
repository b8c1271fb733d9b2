// generated — do not edit; run pnpm generate
// Source: schemas/capabilities.schema.json (packages/types/scripts/generate.mjs).

import type { DrainPolicy } from "./pause-run-request.js";

export type StreamMode = "updates" | "values" | "messages" | "debug";
export type ObservabilityNameList = string[];

/**
 * The discovery document a host serves at GET /.well-known/openwop. Every capability family sits at the document root. Unknown and vendor-prefixed root keys are allowed so that clients written today keep reading documents from hosts that implement later additions; the blocks this toolkit implements are closed so a typo in a host's advertisement is caught instead of silently ignored.
 */
export interface Capabilities {
  /**
   * Highest <major>.<minor> of the protocol the host implements, e.g. "1.0". Three-part semver and a leading "v" are not part of the grammar.
   */
  protocolVersion: string;
  /**
   * Typed AI envelope kinds the host understands, e.g. "clarification.request". May be empty for engine-only hosts.
   */
  supportedEnvelopes: string[];
  /**
   * Schema version per envelope kind.
   */
  schemaVersions: {
    [k: string]: number;
  };
  limits: CapabilityLimits;
  implementation?: Implementation;
  /**
   * Version of the engine code that writes persisted runs. An integer here; run snapshots carry it as a number and run events as its decimal string.
   */
  engineVersion?: number;
  /**
   * Event log schema version new runs are written with (2 for v1 hosts).
   */
  eventLogSchemaVersion?: number;
  /**
   * Transports the host serves. REST is required regardless of what is listed.
   */
  supportedTransports?: ("rest" | "mcp" | "a2a" | "grpc")[];
  /**
   * Conformance fixture workflow ids the host has seeded. Fixture-dependent scenarios are skipped for ids not listed.
   */
  fixtures?: string[];
  idempotency?: IdempotencyCapability;
  /**
   * SSE stream modes the host honours for ?streamMode=.
   */
  streamModes?: StreamMode[];
  debugBundle?: DebugBundleCapability;
  runs?: RunsCapability;
  expressions?: ExpressionsCapability;
  webhooks?: WebhooksCapability;
  auth?: AuthCapability;
  observability?: ObservabilityCapability;
  /**
   * Per-run `configurable` keys the host validates, keyed by name, each with a host-defined descriptor (for example {"type": "number", "min": 1, "max": 1000}).
   */
  configurable?: {
    [k: string]: unknown;
  };
  production?: ProductionCapability;
  keys?: KeysCapability;
  rateLimit?: RateLimitCapability;
  [k: string]: unknown;
}
/**
 * Engine limits. Every limit a host advertises it must enforce, so no keys beyond the defined ones are accepted.
 */
export interface CapabilityLimits {
  clarificationRounds: number;
  schemaRounds: number;
  envelopesPerTurn: number;
  /**
   * Upper bound on node executions per run; clamps configurable.recursionLimit.
   */
  maxNodeExecutions?: number;
  maxRunDurationMs?: number;
  maxLoopIterations?: number;
  maxRequestBodyBytes?: number;
  /**
   * Deepest nesting of arrays and objects a request body may have (the body itself is depth 1); deeper bodies are refused with 400 validation_error.
   */
  maxJsonDepth?: number;
  /**
   * Per-run token budget ceiling (budget policy). Accepted so documents from hosts that enforce budgets stay valid.
   */
  maxBudgetTokens?: number;
  /**
   * Per-run spend ceiling in US dollars (budget policy).
   */
  maxBudgetCostUsd?: number;
}
/**
 * Who built the host. Mirrored by the debug bundle's host block.
 */
export interface Implementation {
  name: string;
  version: string;
  vendor?: string;
}
export interface IdempotencyCapability {
  supported: boolean;
  /**
   * How long Idempotency-Key records are kept.
   */
  layer1RetentionSeconds?: number;
  /**
   * Only single-region operation is defined for this toolkit; the multi-region value names are still in flux upstream.
   */
  crossRegion?: "single-region";
}
export interface DebugBundleCapability {
  supported: boolean;
  /**
   * Size cap after which the bundle is truncated.
   */
  maxBytes?: number;
}
/**
 * Run management beyond creating, reading and cancelling one run (core.md §6.9–§6.11). Each member true only where the host serves the operation.
 */
export interface RunsCapability {
  /**
   * GET /v1/runs lists the tenant's runs (core.md §6.9).
   */
  list: boolean;
  /**
   * POST /v1/runs:bulk-cancel cancels up to 100 runs (core.md §6.10).
   */
  bulkCancel: boolean;
  pauseResume?: PauseResumeCapability;
}
/**
 * POST /v1/runs/{runId}:pause and :resume (core.md §6.11). Absent or supported false: the host answers both with 404.
 */
export interface PauseResumeCapability {
  supported: boolean;
  /**
   * The drain policies a pause may ask for; the host refuses any other with 400.
   */
  drainPolicies: DrainPolicy[];
}
/**
 * The expression language the host evaluates in `expression` port values and edge conditions (core.md §8.9, RFC 0016). Absent when the host evaluates no expressions, in which case it refuses workflows that use them (core.md §5.3).
 */
export interface ExpressionsCapability {
  /**
   * Always `cel`: the Common Expression Language subset of core.md §8.9.
   */
  language: "cel";
  /**
   * The version of that subset and its bounds; `1` for core.md §8.9 as written.
   */
  version: string;
  /**
   * The longest expression source the host accepts, in UTF-8 bytes (at least 4096).
   */
  maxExpressionBytes: number;
}
export interface WebhooksCapability {
  supported: boolean;
  /**
   * Signature algorithms offered. The baseline "v1" (HMAC-SHA256) must always be among them.
   */
  signatureAlgorithms?: string[];
  /**
   * True when deliveries are recorded with their events, retried and dead-lettered instead of best-effort (webhooks.md §9).
   */
  durable?: boolean;
  /**
   * Attempts a delivery gets before it is dead-lettered; present when durable.
   */
  maxAttempts?: number;
  /**
   * The first retry's backoff ceiling; each later one doubles it (full jitter).
   */
  retryBaseMs?: number;
  /**
   * The longest wait between two attempts.
   */
  maxRetryDelayMs?: number;
}
export interface AuthCapability {
  /**
   * HTTP authentication schemes accepted, e.g. "bearer".
   */
  schemes?: string[];
  /**
   * Scope vocabulary the host checks, e.g. "runs:create".
   */
  scopes?: string[];
  /**
   * Optional auth profiles implemented, e.g. "openwop-auth-api-key-rotation".
   */
  profiles?: string[];
  rotation?: AuthKeyRotation;
  oidc?: AuthOidc;
}
export interface AuthKeyRotation {
  supported: boolean;
  /**
   * How long a rotated-out key keeps working.
   */
  minGraceSeconds?: number;
}
/**
 * The identity provider whose JWT bearer tokens the host accepts besides its keys (auth.md §11).
 */
export interface AuthOidc {
  issuer: string;
  audience: string;
}
export interface ObservabilityCapability {
  namespace?: string;
  spanNames?: ObservabilityNameList;
  spanAttributes?: ObservabilityNameList;
  metrics?: ObservabilityNameList;
  otel?: OtelExport;
}
export interface OtelExport {
  exportProtocols: ("http/json" | "http/protobuf" | "grpc")[];
}
/**
 * The production-readiness claim (RFC 0009). Closed at every level so a claim cannot smuggle in settings the conformance suite does not check.
 */
export interface ProductionCapability {
  supported: boolean;
  backpressure?: ProductionBackpressure;
  retention?: ProductionRetention;
  debugBundle?: ProductionDebugBundle;
}
export interface ProductionBackpressure {
  supported: boolean;
  /**
   * Runs in flight above which new work is refused with 503.
   */
  inflightCap?: number;
  /**
   * Value sent in Retry-After and details.retryAfter on a 503; longer holds omit the header instead.
   */
  retryAfterSeconds?: number;
}
export interface ProductionRetention {
  supported: boolean;
  /**
   * Guaranteed retention of snapshots and events; a production host keeps at least seven days.
   */
  minWindowSeconds?: number;
  /**
   * True when the host exposes a test-only way to expire a run so the 410 path can be exercised.
   */
  testForceExpire?: boolean;
}
export interface ProductionDebugBundle {
  supported: boolean;
  /**
   * True when oversized bundles say so with truncated/truncatedReason.
   */
  truncationMetadata?: boolean;
}
/**
 * Key management over HTTP (auth.md §10): issue, list, read, rotate with an overlap, revoke, and the failure summary.
 */
export interface KeysCapability {
  supported: boolean;
  /**
   * How long a rotated key keeps working when the rotation names no grace.
   */
  defaultGraceSeconds: number;
  /**
   * The longest grace a rotation may ask for.
   */
  maxGraceSeconds: number;
  /**
   * Within how many seconds a revocation, expiry or end of grace holds on every process of the host.
   */
  revocationPropagationSeconds: number;
}
/**
 * A per-key request rate limit (auth.md §7): over it, 429 rate_limited.
 */
export interface RateLimitCapability {
  supported: boolean;
  scope: "key";
  requestsPerSecond: number;
  burst: number;
}

/** Every {@link StreamMode}, in schema order. */
export const STREAM_MODE_VALUES = ["updates", "values", "messages", "debug"] as const satisfies readonly StreamMode[];
