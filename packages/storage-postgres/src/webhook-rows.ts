import type {
  DeliveryStatus,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookSignature,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "@openwop/storage";

/**
 * Rows of the webhook tables (migrations/0004_webhooks.sql) as node-postgres returns them,
 * and their mapping to SPI records. `bigint` columns arrive as strings; `xid8` as its text.
 */

/** An ISO instant as epoch milliseconds, for the columns the adapter compares; one that does not parse is long past. */
export function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

/** A feed position of this adapter: `<feed_xid>:<feed_id>` (see migrations/0004_webhooks.sql). */
export function feedPosition(feedXid: string, feedId: string | number): string {
  return `${feedXid}:${feedId}`;
}

const POSITION = /^(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,18})$/;
const MAX_INT8 = 9_223_372_036_854_775_807n;
const MAX_XID8 = 18_446_744_073_709_551_615n;

/** The (feed_xid, feed_id) a position names; a RangeError for a position this adapter cannot have issued. */
export function parseFeedPosition(position: string): { feedXid: string; feedId: string } {
  const match = POSITION.exec(position);
  if (
    match?.[1] !== undefined &&
    match[2] !== undefined &&
    BigInt(match[1]) <= MAX_XID8 &&
    BigInt(match[2]) <= MAX_INT8
  ) {
    return { feedXid: match[1], feedId: match[2] };
  }
  throw new RangeError(`${JSON.stringify(position)} is not a feed position of this store`);
}

export const WEBHOOK_COLUMNS = `webhook_id, tenant_id, url, events, tags, signature, sealed_secret, secret_fingerprint,
  status, consecutive_failures, circuit_open_until, window_failures, failure_window_started_at, created_at, updated_at`;

export interface WebhookRow {
  webhook_id: string;
  tenant_id: string;
  url: string;
  events: string[];
  tags: string[];
  signature: WebhookSignature;
  sealed_secret: string;
  secret_fingerprint: string;
  status: WebhookStatus;
  consecutive_failures: number;
  circuit_open_until: string | null;
  window_failures: number;
  failure_window_started_at: string;
  created_at: string;
  updated_at: string;
}

export function subscriptionFromRow(row: WebhookRow): WebhookSubscriptionRecord {
  return {
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    url: row.url,
    events: row.events,
    tags: row.tags,
    signature: row.signature,
    sealedSecret: row.sealed_secret,
    secretFingerprint: row.secret_fingerprint,
    status: row.status,
    consecutiveFailures: row.consecutive_failures,
    circuitOpenUntil: row.circuit_open_until,
    windowFailures: row.window_failures,
    failureWindowStartedAt: row.failure_window_started_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Qualified by the table alias `d`. */
export const DELIVERY_COLUMNS = `d.delivery_id, d.webhook_id, d.tenant_id, d.run_id, d.sequence, d.event_type,
  d.feed_xid::text AS feed_xid, d.feed_id, d.status, d.attempts, d.total_attempts, d.next_attempt_at, d.due_ms,
  d.created_at, d.updated_at, d.delivered_at, d.last_error, d.lease_holder_id, d.lease_expires_at`;

export interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  tenant_id: string;
  run_id: string;
  sequence: number;
  event_type: string;
  feed_xid: string;
  /** bigint: a string. */
  feed_id: string;
  status: DeliveryStatus;
  attempts: number;
  total_attempts: number;
  next_attempt_at: string | null;
  due_ms: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  last_error: string | null;
  lease_holder_id: string | null;
  lease_expires_at: string | null;
}

export function deliveryFromRow(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    runId: row.run_id,
    sequence: row.sequence,
    eventType: row.event_type,
    feedPosition: feedPosition(row.feed_xid, row.feed_id),
    status: row.status,
    attempts: row.attempts,
    totalAttempts: row.total_attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
    lease:
      row.lease_holder_id === null || row.lease_expires_at === null
        ? null
        : { holderId: row.lease_holder_id, expiresAt: Number(row.lease_expires_at) },
  };
}

/** The order claims hand deliveries out in: earliest due, then in feed order. */
export function dueFirst(a: DeliveryRow, b: DeliveryRow): number {
  const due = Number(a.due_ms ?? 0) - Number(b.due_ms ?? 0);
  if (due !== 0) return due;
  const xid = BigInt(a.feed_xid) - BigInt(b.feed_xid);
  if (xid !== 0n) return xid < 0n ? -1 : 1;
  const id = BigInt(a.feed_id) - BigInt(b.feed_id);
  return id === 0n ? 0 : id < 0n ? -1 : 1;
}

export const ATTEMPT_COLUMNS =
  "delivery_id, attempt, started_at, address, status_code, latency_ms, error, response_excerpt";

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: string;
  address: string | null;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

export function attemptFromRow(row: AttemptRow): WebhookAttemptRecord {
  return {
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    startedAt: row.started_at,
    address: row.address,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    error: row.error,
    responseExcerpt: row.response_excerpt,
  };
}
