/**
 * The records the storage SPI moves. They are plain JSON-compatible objects so every
 * adapter can persist them as rows or documents.
 */
import type {
  ApiKeyKind,
  ApiKeyOrigin,
  AuthFailureGroup,
  AuthFailureReason,
  DeliveryStatus,
  RunError,
  RunEvent,
  RunStatus,
  WebhookAttempt,
  WebhookSignature,
  WebhookStatus,
} from "@openwop/types";

// The wire shapes a record carries are declared once, in @openwop/types; they are re-exported
// here because the SPI's signatures use them.
export type {
  ApiKeyKind,
  ApiKeyOrigin,
  AuthFailureReason,
  DeliveryStatus,
  RunError,
  RunEvent,
  RunStatus,
  WebhookSignature,
  WebhookStatus,
};

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event before the log assigns its identity: `runId`, `sequence` and `eventId` come from the adapter. */
export type NewRunEvent = Omit<RunEvent, "eventId" | "runId" | "sequence">;

/** The run's claim: which process executes it, until when, and the fencing epoch of that acquisition. */
export interface RunClaim {
  holderId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Increments on every acquisition; a write fenced with an older epoch is rejected. */
  epoch: number;
}

/** A run as stored: the snapshot fields plus the engine's private progress state. */
export interface RunRecord {
  runId: string;
  tenantId: string;
  workflowId: string;
  status: RunStatus;
  /** The workflow definition the run executes, frozen at creation so a restart runs the same graph. */
  definition: JsonObject;
  inputs: JsonObject;
  variables: JsonObject;
  configurable: JsonObject;
  tags: string[];
  metadata: JsonObject;
  currentNodeId: string | null;
  error: RunError | null;
  /** The engine's progress (node states, counters, delay deadlines): opaque to storage. */
  engineState: JsonObject;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
  claim: RunClaim | null;
  /** Sequence of the last appended event, or -1 when the log is empty. */
  lastSequence: number;
}

/**
 * A run as a listing shows it: what an operator scans a page for, without the definition,
 * inputs, variables or engine state a page of 100 runs should not carry.
 */
export type RunSummary = Pick<
  RunRecord,
  | "runId"
  | "tenantId"
  | "workflowId"
  | "status"
  | "tags"
  | "currentNodeId"
  | "error"
  | "createdAt"
  | "startedAt"
  | "completedAt"
  | "updatedAt"
>;

/**
 * Which of one tenant's runs a listing returns, newest first by `createdAt` then `runId`.
 * Every filter is exact; `createdAfter`/`createdBefore` are exclusive and compare
 * `createdAt` as the ISO-8601 UTC string the engine writes (`…T…:…:….sssZ`).
 */
export interface RunListQuery {
  tenantId: string;
  status?: RunStatus;
  workflowId?: string;
  /** Runs carrying this tag among their `tags`. */
  tag?: string;
  createdAfter?: string;
  createdBefore?: string;
  /** At most this many runs; 0 or less lists nothing. */
  limit: number;
  /** Only runs strictly older than this position (the last run of the previous page). */
  after?: CreatedCursor;
}

/** What a caller supplies to create a run; the adapter fills claim and sequence bookkeeping. */
export type NewRunRecord = Omit<RunRecord, "claim" | "lastSequence">;

/**
 * The fields of a run a step may change, in the order adapters apply them. Anything else a
 * loosely typed caller slips into a patch is ignored.
 */
export const RUN_PATCH_FIELDS = [
  "status",
  "variables",
  "currentNodeId",
  "error",
  "engineState",
  "cancelRequested",
  "startedAt",
  "completedAt",
  "updatedAt",
] as const satisfies ReadonlyArray<keyof RunRecord>;

/** Fields of a run a step may change. Absent keys (or keys set to `undefined`) stay as they are. */
export type RunPatch = Partial<Pick<RunRecord, (typeof RUN_PATCH_FIELDS)[number]>>;

export type SuspensionKind = "approval" | "clarification" | "external-event" | "custom";
export type SuspensionStatus = "pending" | "resolved" | "cancelled";

/** A pending (or settled) human-in-the-loop interrupt. */
export interface SuspensionRecord {
  suspensionId: string;
  runId: string;
  nodeId: string;
  kind: SuspensionKind;
  status: SuspensionStatus;
  data: JsonObject;
  createdAt: string;
  resolvedAt: string | null;
  resumeValue: JsonValue | null;
}

/** A cached final HTTP response of an idempotent request. */
export interface IdempotentResponse {
  status: number;
  headers: Record<string, string>;
  body: JsonValue;
}

export type IdempotencyState = "pending" | "completed";

/** Layer-1 idempotency record; `recordKey` is a digest of (tenant, endpoint, caller key). */
export interface IdempotencyRecord {
  recordKey: string;
  tenantId: string;
  endpoint: string;
  requestDigest: string;
  state: IdempotencyState;
  /** Epoch ms after which a `pending` record may be reclaimed by compare-and-set. */
  leaseExpiresAt: number;
  response: IdempotentResponse | null;
  createdAt: string;
}

/** A bearer API key as stored: only a hash of the secret, never the secret. */
export interface ApiKeyRecord {
  /** Opaque, non-secret identity (`key_…`), the name the key-management routes use. */
  keyId: string;
  /** SHA-256 of the whole secret, hex; unique. */
  keyHash: string;
  /** The secret's visible start (`hk_live_3q8V6c`), safe to log and show. */
  prefix: string;
  tenantId: string;
  scopes: string[];
  kind: ApiKeyKind;
  origin: ApiKeyOrigin;
  label: string;
  createdAt: string;
  /** After this instant the key is refused as expired; a rotation shortens it to the grace end. */
  expiresAt: string | null;
  /** When the key last authenticated a request, kept to within a few seconds. */
  lastUsedAt: string | null;
  rotatedAt: string | null;
  revokedAt: string | null;
  /** The key that replaced this one in a rotation. */
  replacedBy: string | null;
  /** The key this one replaced in a rotation. */
  replaces: string | null;
}

/** Where to continue a newest-first listing of keys: after this key. */
export interface ApiKeyCursor {
  createdAt: string;
  keyId: string;
}

/**
 * Authentication failures of one tenant, counted by reason, key prefix and route: the wire's
 * failure group (`AuthFailureGroup`) plus its tenant. Hosts aggregate in memory and write these
 * periodically, so a flood of bad requests costs one write per interval, not one per request.
 */
export type AuthFailureCount = Pick<
  AuthFailureGroup,
  "reason" | "keyPrefix" | "route" | "count" | "firstSeen" | "lastSeen"
> & { tenantId: string };

/** Per-tenant facts about keys, for the key gauges. */
export interface TenantKeyStats {
  tenantId: string;
  /** Active keys whose `expiresAt` falls before the instant asked about. */
  expiringSoon: number;
  lastRotatedAt: string | null;
  lastRevokedAt: string | null;
}

/** What remains of a run deleted by retention, so reads can answer 410 instead of 404. */
export interface RunTombstone {
  runId: string;
  tenantId: string;
  expiredAt: string;
}

/** A webhook subscription as stored (webhooks.md §2, §12). The secret is sealed by the host. */
export interface WebhookSubscriptionRecord {
  webhookId: string;
  tenantId: string;
  url: string;
  /** Event types delivered; a delivery is recorded only for these. */
  events: string[];
  /** When not empty, only runs carrying one of these tags are delivered. */
  tags: string[];
  signature: WebhookSignature;
  /** The signing secret, encrypted by the host (AES-256-GCM); storage never sees it in the clear. */
  sealedSecret: string;
  secretFingerprint: string;
  status: WebhookStatus;
  /** Failed attempts in a row; reset by a delivered one. */
  consecutiveFailures: number;
  /** While in the future the circuit is open and the subscription's deliveries wait. */
  circuitOpenUntil: string | null;
  /** Failed attempts since `failureWindowStartedAt` (the rolling budget of webhooks.md §8.2). */
  windowFailures: number;
  failureWindowStartedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** Where to continue a newest-first listing: after this record. */
export interface CreatedCursor {
  createdAt: string;
  id: string;
}

/** One event bound for one subscription (webhooks.md §13.1). */
export interface WebhookDeliveryRecord {
  deliveryId: string;
  webhookId: string;
  tenantId: string;
  runId: string;
  /** The event's sequence in its run's log; the event itself is read from the log. */
  sequence: number;
  eventType: string;
  /** The event's position in the tenant event feed, as the adapter writes it (see `readFeed`). */
  feedPosition: string;
  status: DeliveryStatus;
  /** Attempts counted against the budget since the delivery was created or last replayed. */
  attempts: number;
  /** Every attempt ever made, replays included: the number of the next attempt record is this + 1. */
  totalAttempts: number;
  /** When the delivery is due; null once delivered or dead-lettered. */
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  /** The process attempting it now, and until when; null when nobody is. */
  lease: { holderId: string; expiresAt: number } | null;
}

/** One attempt of a delivery (webhooks.md §13.2): the wire's `WebhookAttempt` plus its delivery. */
export type WebhookAttemptRecord = Pick<
  WebhookAttempt,
  "attempt" | "startedAt" | "address" | "statusCode" | "latencyMs" | "error" | "responseExcerpt"
> & { deliveryId: string };

/** One entry of the tenant event feed: the event and its position, opaque to everyone but its adapter. */
export interface FeedEntry {
  position: string;
  event: RunEvent;
}
