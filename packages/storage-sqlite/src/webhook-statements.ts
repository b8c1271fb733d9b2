import type Database from "better-sqlite3";
import type { EventRow } from "./rows.js";
import type { SqlFlag } from "./statements.js";
import type { AttemptRow, DeliveryRow, WebhookRow } from "./webhook-rows.js";

type Statement<Params extends unknown[] | object = [], Result = unknown> = Database.Statement<Params, Result>;

export interface DeliveryInsertParams {
  deliveryId: string;
  webhookId: string;
  tenantId: string;
  runId: string;
  sequence: number;
  eventType: string;
  feedPosition: number;
  timestamp: string;
  dueMs: number;
}

export interface AttemptParams {
  deliveryId: string;
  holderId: string;
  attempt: number;
  startedAt: string;
  address: string | null;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /** `delivered`, `retry` or `dead_letter`. */
  kind: string;
  nextAttemptAt: string | null;
  nextAttemptMs: number | null;
  lastError: string | null;
  now: string;
}

export interface CircuitParams {
  webhookId: string;
  failed: SqlFlag;
  openAfterFailures: number;
  openUntil: string;
  openUntilMs: number;
  budgetFailures: number;
  windowMs: number;
  now: string;
  nowMs: number;
}

export interface DeliveryListParams {
  tenantId: string;
  webhookId: string;
  status: string | null;
  runId: string | null;
  eventType: string | null;
  afterCreatedAt: string | null;
  afterId: string | null;
  limit: number;
}

export interface DeadLetterParams {
  tenantId: string;
  webhookId: string;
  since: string | null;
  until: string | null;
  typesJson: string | null;
  limit: number;
  at: string;
  atMs: number;
}

export interface StatsRow {
  waiting: number;
  oldest_waiting_at: string | null;
  dead_lettered: number;
  open_circuits: number;
}

const WAITING = "status IN ('pending', 'failed')";

/** Every statement of the webhook store and the feed, prepared once when the adapter opens. */
export interface WebhookStatements {
  allocateFeedPositions: Statement<[count: number], number>;
  resetFeedPositions: Statement<[count: number], number>;
  selectOutboxSubscriptions: Statement<
    [tenantId: string],
    { webhook_id: string; events_json: string; tags_json: string }
  >;
  selectRunTags: Statement<[runId: string], string>;
  insertDelivery: Statement<DeliveryInsertParams>;
  readFeed: Statement<{ tenantId: string; after: number; typesJson: string | null; limit: number }, EventRow>;
  insertWebhook: Statement<WebhookRow>;
  selectWebhook: Statement<[tenantId: string, webhookId: string], WebhookRow>;
  listWebhooks: Statement<{ tenantId: string; limit: number }, WebhookRow>;
  listWebhooksAfter: Statement<{ tenantId: string; limit: number; createdAt: string; id: string }, WebhookRow>;
  setWebhookStatus: Statement<{ tenantId: string; webhookId: string; status: string; at: string }, WebhookRow>;
  deleteWebhook: Statement<[tenantId: string, webhookId: string]>;
  claimDeliveries: Statement<{ holderId: string; now: number; expiresAt: number; limit: number }, DeliveryRow>;
  selectDeliveryForAttempt: Statement<[deliveryId: string], DeliveryRow>;
  insertAttempt: Statement<AttemptParams>;
  countAttempt: Statement<[deliveryId: string]>;
  applyAttempt: Statement<AttemptParams>;
  applyCircuit: Statement<CircuitParams>;
  releaseDeliveries: Statement<[holderId: string]>;
  listDeliveries: Statement<DeliveryListParams, DeliveryRow>;
  selectDelivery: Statement<[tenantId: string, webhookId: string, deliveryId: string], DeliveryRow>;
  selectAttempts: Statement<[deliveryId: string], AttemptRow>;
  replayDelivery: Statement<
    { tenantId: string; webhookId: string; deliveryId: string; at: string; atMs: number },
    DeliveryRow
  >;
  replayDeadLetters: Statement<DeadLetterParams>;
  deliveryStats: Statement<{ now: number }, StatsRow>;
}

export function prepareWebhookStatements(db: Database.Database): WebhookStatements {
  return {
    allocateFeedPositions: db
      .prepare<[number], number>(
        "UPDATE feed_state SET last_position = last_position + ? WHERE id = 1 RETURNING last_position",
      )
      .pluck(),
    // Only for a feed_state emptied by hand: count on from the highest position still stored.
    resetFeedPositions: db
      .prepare<[number], number>(`
      INSERT INTO feed_state (id, last_position)
      SELECT 1, coalesce(max(feed_position), 0) + ? FROM run_events
      RETURNING last_position`)
      .pluck(),
    selectOutboxSubscriptions: db.prepare<[string], { webhook_id: string; events_json: string; tags_json: string }>(
      "SELECT webhook_id, events_json, tags_json FROM webhooks WHERE tenant_id = ?",
    ),
    selectRunTags: db.prepare<[string], string>("SELECT tags_json FROM runs WHERE run_id = ?").pluck(),
    insertDelivery: db.prepare<DeliveryInsertParams>(`
      INSERT INTO webhook_deliveries (
        delivery_id, webhook_id, tenant_id, run_id, sequence, event_type, feed_position, status, attempts, total_attempts,
        next_attempt_at, due_ms, created_at, updated_at
      ) VALUES (
        @deliveryId, @webhookId, @tenantId, @runId, @sequence, @eventType, @feedPosition, 'pending', 0, 0,
        @timestamp, @dueMs, @timestamp, @timestamp
      )`),

    readFeed: db.prepare<{ tenantId: string; after: number; typesJson: string | null; limit: number }, EventRow>(`
      SELECT * FROM run_events
      WHERE tenant_id = @tenantId AND feed_position > @after
        AND (@typesJson IS NULL OR type IN (SELECT value FROM json_each(@typesJson)))
      ORDER BY feed_position
      LIMIT @limit`),

    insertWebhook: db.prepare<WebhookRow>(`
      INSERT INTO webhooks (
        webhook_id, tenant_id, url, events_json, tags_json, signature, sealed_secret, secret_fingerprint, status,
        consecutive_failures, circuit_open_until, circuit_open_until_ms, window_failures, failure_window_started_at,
        failure_window_started_ms, created_at, updated_at
      ) VALUES (
        @webhook_id, @tenant_id, @url, @events_json, @tags_json, @signature, @sealed_secret, @secret_fingerprint, @status,
        @consecutive_failures, @circuit_open_until, @circuit_open_until_ms, @window_failures, @failure_window_started_at,
        @failure_window_started_ms, @created_at, @updated_at
      )
      ON CONFLICT (webhook_id) DO NOTHING`),
    selectWebhook: db.prepare<[string, string], WebhookRow>(
      "SELECT * FROM webhooks WHERE tenant_id = ? AND webhook_id = ?",
    ),
    listWebhooks: db.prepare<{ tenantId: string; limit: number }, WebhookRow>(`
      SELECT * FROM webhooks WHERE tenant_id = @tenantId
      ORDER BY created_at DESC, webhook_id DESC LIMIT @limit`),
    listWebhooksAfter: db.prepare<{ tenantId: string; limit: number; createdAt: string; id: string }, WebhookRow>(`
      SELECT * FROM webhooks WHERE tenant_id = @tenantId AND (created_at, webhook_id) < (@createdAt, @id)
      ORDER BY created_at DESC, webhook_id DESC LIMIT @limit`),
    setWebhookStatus: db.prepare<{ tenantId: string; webhookId: string; status: string; at: string }, WebhookRow>(`
      UPDATE webhooks SET status = @status, updated_at = @at,
        consecutive_failures = CASE WHEN @status = 'active' THEN 0 ELSE consecutive_failures END,
        circuit_open_until = CASE WHEN @status = 'active' THEN NULL ELSE circuit_open_until END,
        circuit_open_until_ms = CASE WHEN @status = 'active' THEN NULL ELSE circuit_open_until_ms END
      WHERE tenant_id = @tenantId AND webhook_id = @webhookId AND status <> 'failed'
      RETURNING *`),
    // Deliveries and their attempts go with it (ON DELETE CASCADE).
    deleteWebhook: db.prepare<[string, string]>("DELETE FROM webhooks WHERE tenant_id = ? AND webhook_id = ?"),

    // One statement inside the write transaction: SQLite's single writer makes the choice and the
    // lease one step, so two claimers can never be handed the same delivery.
    claimDeliveries: db.prepare<{ holderId: string; now: number; expiresAt: number; limit: number }, DeliveryRow>(`
      UPDATE webhook_deliveries SET lease_holder_id = @holderId, lease_expires_at = @expiresAt
      WHERE delivery_id IN (
        SELECT d.delivery_id FROM webhook_deliveries AS d INDEXED BY webhook_deliveries_due
        JOIN webhooks AS w ON w.webhook_id = d.webhook_id
        WHERE d.${WAITING} AND d.due_ms <= @now
          AND (d.lease_holder_id IS NULL OR d.lease_expires_at <= @now)
          AND w.status = 'active' AND (w.circuit_open_until_ms IS NULL OR w.circuit_open_until_ms <= @now)
        ORDER BY d.due_ms, d.feed_position, d.webhook_id
        LIMIT @limit
      )
      RETURNING *`),
    selectDeliveryForAttempt: db.prepare<[string], DeliveryRow>(
      "SELECT * FROM webhook_deliveries WHERE delivery_id = ?",
    ),
    insertAttempt: db.prepare<AttemptParams>(`
      INSERT INTO webhook_attempts (
        delivery_id, attempt, started_at, address, status_code, latency_ms, error, response_excerpt
      ) VALUES (
        @deliveryId, @attempt, @startedAt, @address, @statusCode, @latencyMs, @error, @responseExcerpt
      )`),
    countAttempt: db.prepare<[string]>(
      "UPDATE webhook_deliveries SET total_attempts = total_attempts + 1 WHERE delivery_id = ?",
    ),
    applyAttempt: db.prepare<AttemptParams>(`
      UPDATE webhook_deliveries SET
        total_attempts = total_attempts + 1,
        status = CASE @kind WHEN 'delivered' THEN 'delivered' WHEN 'retry' THEN 'failed' ELSE 'dead_lettered' END,
        attempts = CASE WHEN @kind = 'delivered' THEN attempts ELSE attempts + 1 END,
        next_attempt_at = @nextAttemptAt,
        due_ms = @nextAttemptMs,
        delivered_at = CASE WHEN @kind = 'delivered' THEN @now ELSE delivered_at END,
        last_error = CASE WHEN @kind = 'delivered' THEN last_error ELSE @lastError END,
        lease_holder_id = NULL,
        lease_expires_at = NULL,
        updated_at = @now
      WHERE delivery_id = @deliveryId AND lease_holder_id = @holderId`),
    // Relative to the stored counters. The failure window restarts at now once it is older than windowMs.
    // A delivery on a closed circuit changes nothing, so it writes nothing.
    applyCircuit: db.prepare<CircuitParams>(`
      UPDATE webhooks SET
        consecutive_failures = CASE WHEN @failed THEN consecutive_failures + 1 ELSE 0 END,
        circuit_open_until = CASE
          WHEN NOT @failed THEN NULL
          WHEN consecutive_failures + 1 >= @openAfterFailures THEN @openUntil
          ELSE circuit_open_until END,
        circuit_open_until_ms = CASE
          WHEN NOT @failed THEN NULL
          WHEN consecutive_failures + 1 >= @openAfterFailures THEN @openUntilMs
          ELSE circuit_open_until_ms END,
        status = CASE
          WHEN @failed AND (CASE WHEN failure_window_started_ms < @nowMs - @windowMs THEN 1 ELSE window_failures + 1 END)
            >= @budgetFailures THEN 'failed'
          ELSE status END,
        window_failures = CASE
          WHEN NOT @failed THEN window_failures
          WHEN failure_window_started_ms < @nowMs - @windowMs THEN 1
          ELSE window_failures + 1 END,
        failure_window_started_at = CASE
          WHEN @failed AND failure_window_started_ms < @nowMs - @windowMs THEN @now
          ELSE failure_window_started_at END,
        failure_window_started_ms = CASE
          WHEN @failed AND failure_window_started_ms < @nowMs - @windowMs THEN @nowMs
          ELSE failure_window_started_ms END,
        updated_at = @now
      WHERE webhook_id = @webhookId
        AND (@failed OR consecutive_failures <> 0 OR circuit_open_until IS NOT NULL)`),
    releaseDeliveries: db.prepare<[string]>(
      // A leased delivery is always waiting: the due index holds every one.
      `UPDATE webhook_deliveries INDEXED BY webhook_deliveries_due SET lease_holder_id = NULL, lease_expires_at = NULL
       WHERE ${WAITING} AND lease_holder_id = ?`,
    ),

    // A delivery's tenant is its subscription's (both are the run's), so the tenant scope is a column of its own.
    listDeliveries: db.prepare<DeliveryListParams, DeliveryRow>(`
      SELECT * FROM webhook_deliveries
      WHERE webhook_id = @webhookId AND tenant_id = @tenantId
        AND (@status IS NULL OR status = @status)
        AND (@runId IS NULL OR run_id = @runId)
        AND (@eventType IS NULL OR event_type = @eventType)
        AND (@afterCreatedAt IS NULL OR (created_at, delivery_id) < (@afterCreatedAt, @afterId))
      ORDER BY created_at DESC, delivery_id DESC
      LIMIT @limit`),
    selectDelivery: db.prepare<[string, string, string], DeliveryRow>(
      "SELECT * FROM webhook_deliveries WHERE tenant_id = ? AND webhook_id = ? AND delivery_id = ?",
    ),
    selectAttempts: db.prepare<[string], AttemptRow>(
      "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt",
    ),
    replayDelivery: db.prepare<
      { tenantId: string; webhookId: string; deliveryId: string; at: string; atMs: number },
      DeliveryRow
    >(`
      UPDATE webhook_deliveries SET
        status = 'pending', attempts = 0, next_attempt_at = @at, due_ms = @atMs, updated_at = @at,
        lease_holder_id = NULL, lease_expires_at = NULL
      WHERE tenant_id = @tenantId AND webhook_id = @webhookId AND delivery_id = @deliveryId
      RETURNING *`),
    replayDeadLetters: db.prepare<DeadLetterParams>(`
      UPDATE webhook_deliveries SET
        status = 'pending', attempts = 0, next_attempt_at = @at, due_ms = @atMs, updated_at = @at,
        lease_holder_id = NULL, lease_expires_at = NULL
      WHERE delivery_id IN (
        SELECT delivery_id FROM webhook_deliveries
        WHERE webhook_id = @webhookId AND tenant_id = @tenantId AND status = 'dead_lettered'
          AND (@since IS NULL OR created_at >= @since)
          AND (@until IS NULL OR created_at < @until)
          AND (@typesJson IS NULL OR event_type IN (SELECT value FROM json_each(@typesJson)))
        ORDER BY created_at, delivery_id
        LIMIT @limit
      )`),
    deliveryStats: db.prepare<{ now: number }, StatsRow>(`
      SELECT
        (SELECT count(*) FROM webhook_deliveries WHERE ${WAITING}) AS waiting,
        (SELECT min(created_at) FROM webhook_deliveries WHERE ${WAITING}) AS oldest_waiting_at,
        (SELECT count(*) FROM webhook_deliveries WHERE status = 'dead_lettered') AS dead_lettered,
        (SELECT count(*) FROM webhooks WHERE circuit_open_until_ms > @now) AS open_circuits`),
  };
}
