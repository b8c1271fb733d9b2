import type {
  DeliveryStatus,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookSignature,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "@openwop/storage";

/** Row shapes of the webhook tables (migrations/0004_webhooks.sql) and their mapping to SPI records. */

/** An ISO instant as epoch milliseconds, for the columns the adapter compares; one that does not parse is long past. */
export function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

export interface WebhookRow {
  webhook_id: string;
  tenant_id: string;
  url: string;
  events_json: string;
  tags_json: string;
  signature: string;
  sealed_secret: string;
  secret_fingerprint: string;
  status: string;
  consecutive_failures: number;
  circuit_open_until: string | null;
  circuit_open_until_ms: number | null;
  window_failures: number;
  failure_window_started_at: string;
  failure_window_started_ms: number;
  created_at: string;
  updated_at: string;
}

export function subscriptionFromRow(row: WebhookRow): WebhookSubscriptionRecord {
  return {
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    url: row.url,
    events: JSON.parse(row.events_json) as string[],
    tags: JSON.parse(row.tags_json) as string[],
    signature: row.signature as WebhookSignature,
    sealedSecret: row.sealed_secret,
    secretFingerprint: row.secret_fingerprint,
    status: row.status as WebhookStatus,
    consecutiveFailures: row.consecutive_failures,
    circuitOpenUntil: row.circuit_open_until,
    windowFailures: row.window_failures,
    failureWindowStartedAt: row.failure_window_started_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The subscription as `insertWebhook` binds it. */
export function webhookParams(subscription: WebhookSubscriptionRecord): WebhookRow {
  return {
    webhook_id: subscription.webhookId,
    tenant_id: subscription.tenantId,
    url: subscription.url,
    events_json: JSON.stringify(subscription.events),
    tags_json: JSON.stringify(subscription.tags),
    signature: subscription.signature,
    sealed_secret: subscription.sealedSecret,
    secret_fingerprint: subscription.secretFingerprint,
    status: subscription.status,
    consecutive_failures: subscription.consecutiveFailures,
    circuit_open_until: subscription.circuitOpenUntil,
    circuit_open_until_ms: subscription.circuitOpenUntil === null ? null : epochMs(subscription.circuitOpenUntil),
    window_failures: subscription.windowFailures,
    failure_window_started_at: subscription.failureWindowStartedAt,
    failure_window_started_ms: epochMs(subscription.failureWindowStartedAt),
    created_at: subscription.createdAt,
    updated_at: subscription.updatedAt,
  };
}

export interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  tenant_id: string;
  run_id: string;
  sequence: number;
  event_type: string;
  feed_position: number;
  status: string;
  attempts: number;
  total_attempts: number;
  next_attempt_at: string | null;
  due_ms: number | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  last_error: string | null;
  lease_holder_id: string | null;
  lease_expires_at: number | null;
}

export function deliveryFromRow(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    tenantId: row.tenant_id,
    runId: row.run_id,
    sequence: row.sequence,
    eventType: row.event_type,
    feedPosition: String(row.feed_position),
    status: row.status as DeliveryStatus,
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
        : { holderId: row.lease_holder_id, expiresAt: row.lease_expires_at },
  };
}

/** The order claims hand deliveries out in: earliest due, then in event order. */
export function dueFirst(a: DeliveryRow, b: DeliveryRow): number {
  return (
    (a.due_ms ?? 0) - (b.due_ms ?? 0) ||
    a.feed_position - b.feed_position ||
    (a.webhook_id < b.webhook_id ? -1 : a.webhook_id > b.webhook_id ? 1 : 0)
  );
}

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

/** A feed position of this adapter: the decimal of the `feed_state` counter. */
const POSITION = /^(0|[1-9][0-9]{0,15})$/;

export function parseFeedPosition(position: string): number {
  const value = POSITION.test(position) ? Number(position) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${JSON.stringify(position)} is not a feed position of this store`);
  return value;
}
