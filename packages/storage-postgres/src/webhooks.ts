import type {
  AttemptOutcome,
  CreatedCursor,
  DeadLetterSelection,
  DeliveryFilter,
  DeliveryStats,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import { DELIVERIES_CHANNEL } from "./channels.js";
import type { Database } from "./database.js";
import {
  ATTEMPT_COLUMNS,
  attemptFromRow,
  DELIVERY_COLUMNS,
  deliveryFromRow,
  dueFirst,
  epochMs,
  subscriptionFromRow,
  WEBHOOK_COLUMNS,
  type AttemptRow,
  type DeliveryRow,
  type WebhookRow,
} from "./webhook-rows.js";

/**
 * The webhook store (the outbox itself is part of the step's statement: outbox.ts). Each
 * write is one statement, so one transaction; the ones that make deliveries claimable NOTIFY
 * `openwop_deliveries` in that statement, so the notification exists exactly when the change
 * does. Ids and creation times are COLLATE "C": code-unit order, as the other adapters sort.
 *
 * Deliveries have no foreign key to their subscription (see migrations/0004): a delivery
 * whose subscription is gone is invisible here, because every read and write below reaches
 * deliveries through their subscription row.
 */

/** The subscription a delivery statement acts through: the tenant's, by id. */
const OF_SUBSCRIPTION = `EXISTS (SELECT 1 FROM webhooks AS w
  WHERE w.webhook_id = d.webhook_id AND w.tenant_id = $1::text AND w.webhook_id = $2::text)`;

export async function createSubscription(database: Database, subscription: WebhookSubscriptionRecord): Promise<void> {
  // A taken id violates webhooks_pkey, which errors.ts maps to StorageConflictError("webhook-exists").
  await database.once("creating a webhook subscription", {
    name: "openwop_insert_webhook",
    text: `INSERT INTO webhooks (webhook_id, tenant_id, url, events, tags, signature, sealed_secret, secret_fingerprint,
             status, consecutive_failures, circuit_open_until, circuit_open_until_ms, window_failures,
             failure_window_started_at, failure_window_started_ms, created_at, updated_at)
           VALUES ($1::text, $2::text, $3::text, $4::text[], $5::text[], $6::text, $7::text, $8::text, $9::text,
             $10::integer, $11::text, $12::bigint, $13::integer, $14::text, $15::bigint, $16::text, $17::text)`,
    values: [
      subscription.webhookId,
      subscription.tenantId,
      subscription.url,
      [...subscription.events],
      [...subscription.tags],
      subscription.signature,
      subscription.sealedSecret,
      subscription.secretFingerprint,
      subscription.status,
      subscription.consecutiveFailures,
      subscription.circuitOpenUntil,
      subscription.circuitOpenUntil === null ? null : epochMs(subscription.circuitOpenUntil),
      subscription.windowFailures,
      subscription.failureWindowStartedAt,
      epochMs(subscription.failureWindowStartedAt),
      subscription.createdAt,
      subscription.updatedAt,
    ],
  });
}

export async function getSubscription(
  database: Database,
  tenantId: string,
  webhookId: string,
): Promise<WebhookSubscriptionRecord | null> {
  const result = await database.idempotent<WebhookRow>("reading a webhook subscription", {
    name: "openwop_get_webhook",
    text: `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1::text AND webhook_id = $2::text`,
    values: [tenantId, webhookId],
  });
  const row = result.rows[0];
  return row ? subscriptionFromRow(row) : null;
}

export async function listSubscriptions(
  database: Database,
  tenantId: string,
  options: { limit: number; after?: CreatedCursor },
): Promise<WebhookSubscriptionRecord[]> {
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const { after } = options;
  const result = await database.idempotent<WebhookRow>(
    "listing webhook subscriptions",
    after === undefined
      ? {
          name: "openwop_list_webhooks",
          text: `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1::text
                 ORDER BY created_at DESC, webhook_id DESC LIMIT $2`,
          values: [tenantId, limit],
        }
      : {
          name: "openwop_list_webhooks_after",
          text: `SELECT ${WEBHOOK_COLUMNS} FROM webhooks
                 WHERE tenant_id = $1::text AND (created_at, webhook_id) < ($3::text, $4::text)
                 ORDER BY created_at DESC, webhook_id DESC LIMIT $2`,
          values: [tenantId, limit, after.createdAt, after.id],
        },
  );
  return result.rows.map(subscriptionFromRow);
}

/**
 * One statement: the UPDATE skips a failed subscription, and the second branch then answers
 * with the row as it is (the statement's snapshot sees it unchanged). Resuming NOTIFYs.
 */
const SET_STATUS_SQL = `
WITH updated AS (
  UPDATE webhooks SET status = $3::text, updated_at = $4::text,
    consecutive_failures = CASE WHEN $3::text = 'active' THEN 0 ELSE consecutive_failures END,
    circuit_open_until = CASE WHEN $3::text = 'active' THEN NULL ELSE circuit_open_until END,
    circuit_open_until_ms = CASE WHEN $3::text = 'active' THEN NULL ELSE circuit_open_until_ms END
  WHERE tenant_id = $1::text AND webhook_id = $2::text AND status <> 'failed'
  RETURNING ${WEBHOOK_COLUMNS}
),
notified AS (
  SELECT pg_notify('${DELIVERIES_CHANNEL}', '') FROM updated WHERE updated.status = 'active'
)
SELECT ${WEBHOOK_COLUMNS}, (SELECT count(*) FROM notified) AS resumed FROM updated
UNION ALL
SELECT ${WEBHOOK_COLUMNS}, 0 AS resumed FROM webhooks
WHERE tenant_id = $1::text AND webhook_id = $2::text AND NOT EXISTS (SELECT 1 FROM updated)`;

export async function setSubscriptionStatus(
  database: Database,
  tenantId: string,
  webhookId: string,
  status: Exclude<WebhookStatus, "failed">,
  at: string,
): Promise<{ record: WebhookSubscriptionRecord; resumed: boolean } | null> {
  const result = await database.idempotent<WebhookRow & { resumed: string }>("setting a webhook's status", {
    name: "openwop_set_webhook_status",
    text: SET_STATUS_SQL,
    values: [tenantId, webhookId, status, at],
  });
  const row = result.rows[0];
  return row ? { record: subscriptionFromRow(row), resumed: Number(row.resumed) > 0 } : null;
}

/** The subscription, then (in the same statement) its deliveries; their attempts go by ON DELETE CASCADE. */
const DELETE_SUBSCRIPTION_SQL = `
WITH removed AS (
  DELETE FROM webhooks WHERE tenant_id = $1::text AND webhook_id = $2::text RETURNING webhook_id
),
deliveries AS (
  DELETE FROM webhook_deliveries AS d USING removed WHERE d.webhook_id = removed.webhook_id
)
SELECT webhook_id FROM removed`;

export async function deleteSubscription(database: Database, tenantId: string, webhookId: string): Promise<boolean> {
  // autocommit: run again if it lost a deadlock (it locks the subscription, then its deliveries;
  // recordAttempt locks a delivery, then its subscription).
  const result = await database.autocommit("removing a webhook subscription", (client) =>
    client.query({ name: "openwop_delete_webhook", text: DELETE_SUBSCRIPTION_SQL, values: [tenantId, webhookId] }),
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * The claim: FOR UPDATE SKIP LOCKED picks due rows no other session holds right now (a
 * concurrent claimer, an attempt being recorded), and the UPDATE re-checks the lease under the
 * row lock (compare-and-set), so two claimers never get one delivery. Only deliveries of an
 * active subscription whose circuit is closed at `now` qualify; the partial index
 * `webhook_deliveries_due` serves them earliest first.
 */
const CLAIM_SQL = `
WITH due AS (
  SELECT d.delivery_id FROM webhook_deliveries AS d
  JOIN webhooks AS w ON w.webhook_id = d.webhook_id
  WHERE d.status IN ('pending', 'failed') AND d.due_ms <= $2::bigint
    AND (d.lease_holder_id IS NULL OR d.lease_expires_at <= $2::bigint)
    AND w.status = 'active' AND (w.circuit_open_until_ms IS NULL OR w.circuit_open_until_ms <= $2::bigint)
  ORDER BY d.due_ms, d.feed_xid, d.feed_id
  LIMIT $4
  FOR UPDATE OF d SKIP LOCKED
)
UPDATE webhook_deliveries AS d SET lease_holder_id = $1::text, lease_expires_at = $2::bigint + $3::bigint
FROM due
WHERE d.delivery_id = due.delivery_id
  AND d.status IN ('pending', 'failed') AND (d.lease_holder_id IS NULL OR d.lease_expires_at <= $2::bigint)
RETURNING ${DELIVERY_COLUMNS}`;

export async function claimDueDeliveries(
  database: Database,
  holderId: string,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<WebhookDeliveryRecord[]> {
  if (limit <= 0) return [];
  const result = await database.once<DeliveryRow>("claiming webhook deliveries", {
    name: "openwop_claim_deliveries",
    text: CLAIM_SQL,
    values: [holderId, Math.round(now), Math.round(leaseMs), Math.floor(limit)],
  });
  return result.rows.sort(dueFirst).map(deliveryFromRow);
}

/**
 * recordAttempt as one statement. `target` locks the delivery (FOR UPDATE: concurrent
 * outcomes for one delivery queue here, and each sees the row as the previous one left it)
 * and says whether the holder still holds its lease. The delivery always counts the attempt
 * (`total_attempts`, which numbers it); the result, the lease and the subscription's circuit
 * change only under the lease. The circuit is updated relative to the stored counters, so
 * concurrent failures of one subscription all count (each UPDATE re-reads the newest row).
 */
const RECORD_ATTEMPT_SQL = `
WITH target AS (
  SELECT delivery_id, webhook_id, lease_holder_id IS NOT DISTINCT FROM $2::text AS held
  FROM webhook_deliveries WHERE delivery_id = $1::text
  FOR UPDATE
),
delivery AS (
  UPDATE webhook_deliveries AS d SET
    total_attempts   = d.total_attempts + 1,
    status           = CASE WHEN NOT target.held THEN d.status
                            WHEN $9::text = 'delivered' THEN 'delivered'
                            WHEN $9::text = 'retry' THEN 'failed'
                            ELSE 'dead_lettered' END,
    attempts         = CASE WHEN target.held AND $9::text <> 'delivered' THEN d.attempts + 1 ELSE d.attempts END,
    next_attempt_at  = CASE WHEN target.held THEN $10::text ELSE d.next_attempt_at END,
    due_ms           = CASE WHEN target.held THEN $11::bigint ELSE d.due_ms END,
    delivered_at     = CASE WHEN target.held AND $9::text = 'delivered' THEN $13::text ELSE d.delivered_at END,
    last_error       = CASE WHEN target.held AND $9::text <> 'delivered' THEN $12::text ELSE d.last_error END,
    lease_holder_id  = CASE WHEN target.held THEN NULL ELSE d.lease_holder_id END,
    lease_expires_at = CASE WHEN target.held THEN NULL ELSE d.lease_expires_at END,
    updated_at       = CASE WHEN target.held THEN $13::text ELSE d.updated_at END
  FROM target
  WHERE d.delivery_id = target.delivery_id
  RETURNING d.delivery_id, d.webhook_id, d.total_attempts, target.held
),
attempt AS (
  INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS})
  SELECT delivery.delivery_id, delivery.total_attempts, $3::text, $4::text, $5::integer, $6::double precision,
    $7::text, $8::text
  FROM delivery
),
circuit AS (
  UPDATE webhooks AS w SET
    consecutive_failures      = CASE WHEN $14::boolean THEN w.consecutive_failures + 1 ELSE 0 END,
    circuit_open_until        = CASE WHEN NOT $14::boolean THEN NULL
                                     WHEN w.consecutive_failures + 1 >= $15::integer THEN $16::text
                                     ELSE w.circuit_open_until END,
    circuit_open_until_ms     = CASE WHEN NOT $14::boolean THEN NULL
                                     WHEN w.consecutive_failures + 1 >= $15::integer THEN $17::bigint
                                     ELSE w.circuit_open_until_ms END,
    status                    = CASE WHEN $14::boolean AND (CASE WHEN w.failure_window_started_ms < $20::bigint - $19::bigint
                                                                 THEN 1 ELSE w.window_failures + 1 END) >= $18::integer
                                     THEN 'failed' ELSE w.status END,
    window_failures           = CASE WHEN NOT $14::boolean THEN w.window_failures
                                     WHEN w.failure_window_started_ms < $20::bigint - $19::bigint THEN 1
                                     ELSE w.window_failures + 1 END,
    failure_window_started_at = CASE WHEN $14::boolean AND w.failure_window_started_ms < $20::bigint - $19::bigint
                                     THEN $13::text ELSE w.failure_window_started_at END,
    failure_window_started_ms = CASE WHEN $14::boolean AND w.failure_window_started_ms < $20::bigint - $19::bigint
                                     THEN $20::bigint ELSE w.failure_window_started_ms END,
    updated_at                = $13::text
  FROM delivery
  WHERE w.webhook_id = delivery.webhook_id AND delivery.held
    -- A delivery on a closed circuit changes nothing: not locking the row lets concurrent
    -- attempts to one receiver commit side by side.
    AND ($14::boolean OR w.consecutive_failures <> 0 OR w.circuit_open_until IS NOT NULL)
)
SELECT held FROM delivery`;

export async function recordAttempt(database: Database, outcome: AttemptOutcome): Promise<boolean> {
  const { attempt, result, now } = outcome;
  const failed = result.kind !== "delivered";
  // Run again only when it provably changed nothing (a lost deadlock, see deleteSubscription): after an
  // unknown outcome a second run could log the attempt twice.
  const recorded = await database.autocommit("recording a webhook attempt", (client) =>
    client.query<{ held: boolean }>({
      name: "openwop_record_attempt",
      text: RECORD_ATTEMPT_SQL,
      values: [
        outcome.deliveryId,
        outcome.holderId,
        attempt.startedAt,
        attempt.address,
        attempt.statusCode,
        attempt.latencyMs,
        attempt.error,
        attempt.responseExcerpt,
        result.kind,
        result.kind === "retry" ? result.nextAttemptAt : null,
        result.kind === "retry" ? epochMs(result.nextAttemptAt) : null,
        attempt.error ?? (attempt.statusCode === null ? "the attempt failed" : `HTTP ${attempt.statusCode}`),
        now,
        failed,
        outcome.circuit.openAfterFailures,
        outcome.circuit.openUntil,
        epochMs(outcome.circuit.openUntil),
        outcome.failureBudget.failures,
        Math.round(outcome.failureBudget.windowMs),
        epochMs(now),
      ],
    }),
  );
  return recorded.rows[0]?.held === true;
}

/** Clears the holder's leases and, when there were any, tells every process they are claimable. */
const RELEASE_SQL = `
WITH released AS (
  UPDATE webhook_deliveries SET lease_holder_id = NULL, lease_expires_at = NULL
  WHERE status IN ('pending', 'failed') AND lease_holder_id = $1::text
  RETURNING 1
)
SELECT pg_notify('${DELIVERIES_CHANNEL}', '') WHERE EXISTS (SELECT 1 FROM released)`;

export async function releaseDeliveries(database: Database, holderId: string): Promise<boolean> {
  const result = await database.idempotent("releasing webhook deliveries", {
    name: "openwop_release_deliveries",
    text: RELEASE_SQL,
    values: [holderId],
  });
  return (result.rowCount ?? 0) > 0;
}

export async function listDeliveries(
  database: Database,
  tenantId: string,
  webhookId: string,
  filter: DeliveryFilter,
): Promise<WebhookDeliveryRecord[]> {
  const limit = Math.max(0, Math.floor(filter.limit));
  if (limit === 0) return [];
  const result = await database.idempotent<DeliveryRow>("listing webhook deliveries", {
    name: "openwop_list_deliveries",
    text: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries AS d
           WHERE d.webhook_id = $2::text AND ${OF_SUBSCRIPTION}
             AND ($3::text IS NULL OR d.status = $3::text)
             AND ($4::text IS NULL OR d.run_id = $4::text)
             AND ($5::text IS NULL OR d.event_type = $5::text)
             AND ($6::text IS NULL OR (d.created_at, d.delivery_id) < ($6::text, $7::text))
           ORDER BY d.created_at DESC, d.delivery_id DESC
           LIMIT $8`,
    values: [
      tenantId,
      webhookId,
      filter.status ?? null,
      filter.runId ?? null,
      filter.eventType ?? null,
      filter.after?.createdAt ?? null,
      filter.after?.id ?? null,
      limit,
    ],
  });
  return result.rows.map(deliveryFromRow);
}

/** The delivery and its attempts in one statement, so both are of one snapshot. */
const GET_DELIVERY_SQL = `
SELECT ${DELIVERY_COLUMNS},
  coalesce((SELECT json_agg(json_build_object(
      'delivery_id', a.delivery_id, 'attempt', a.attempt, 'started_at', a.started_at, 'address', a.address,
      'status_code', a.status_code, 'latency_ms', a.latency_ms, 'error', a.error, 'response_excerpt', a.response_excerpt
    ) ORDER BY a.attempt)
    FROM webhook_attempts AS a WHERE a.delivery_id = d.delivery_id), '[]') AS attempt_log
FROM webhook_deliveries AS d
WHERE d.delivery_id = $3::text AND d.webhook_id = $2::text AND ${OF_SUBSCRIPTION}`;

export async function getDelivery(
  database: Database,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] } | null> {
  const result = await database.idempotent<DeliveryRow & { attempt_log: AttemptRow[] }>("reading a webhook delivery", {
    name: "openwop_get_delivery",
    text: GET_DELIVERY_SQL,
    values: [tenantId, webhookId, deliveryId],
  });
  const row = result.rows[0];
  return row ? { delivery: deliveryFromRow(row), attempts: row.attempt_log.map(attemptFromRow) } : null;
}

const REQUEUE = `status = 'pending', attempts = 0, next_attempt_at = $4::text, due_ms = $5::bigint,
  updated_at = $4::text, lease_holder_id = NULL, lease_expires_at = NULL`;

const REPLAY_SQL = `
WITH replayed AS (
  UPDATE webhook_deliveries AS d SET ${REQUEUE}
  WHERE d.delivery_id = $3::text AND d.webhook_id = $2::text AND ${OF_SUBSCRIPTION}
  RETURNING ${DELIVERY_COLUMNS}
),
notified AS (
  SELECT pg_notify('${DELIVERIES_CHANNEL}', '') FROM replayed
)
SELECT replayed.*, (SELECT count(*) FROM notified) AS notified FROM replayed`;

export async function replayDelivery(
  database: Database,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
  at: string,
): Promise<WebhookDeliveryRecord | null> {
  const result = await database.idempotent<DeliveryRow>("replaying a webhook delivery", {
    name: "openwop_replay_delivery",
    text: REPLAY_SQL,
    values: [tenantId, webhookId, deliveryId, at, epochMs(at)],
  });
  const row = result.rows[0];
  return row ? deliveryFromRow(row) : null;
}

/** Oldest first; SKIP LOCKED leaves a dead letter that is being replayed right now to that replay. */
const REPLAY_DEAD_LETTERS_SQL = `
WITH chosen AS (
  SELECT d.delivery_id FROM webhook_deliveries AS d
  WHERE d.webhook_id = $2::text AND ${OF_SUBSCRIPTION} AND d.status = 'dead_lettered'
    AND ($6::text IS NULL OR d.created_at >= $6::text)
    AND ($7::text IS NULL OR d.created_at < $7::text)
    AND ($8::text[] IS NULL OR d.event_type = ANY ($8::text[]))
  ORDER BY d.created_at, d.delivery_id
  LIMIT $3
  FOR UPDATE OF d SKIP LOCKED
),
replayed AS (
  UPDATE webhook_deliveries AS d SET ${REQUEUE}
  FROM chosen WHERE d.delivery_id = chosen.delivery_id AND d.status = 'dead_lettered'
  RETURNING 1
)
SELECT count(*)::integer AS requeued,
  CASE WHEN count(*) > 0 THEN pg_notify('${DELIVERIES_CHANNEL}', '') END
FROM replayed`;

export async function replayDeadLetters(
  database: Database,
  tenantId: string,
  webhookId: string,
  selection: DeadLetterSelection,
  at: string,
): Promise<number> {
  const limit = Math.max(0, Math.floor(selection.limit));
  if (limit === 0) return 0;
  const result = await database.idempotent<{ requeued: number }>("replaying dead letters", {
    name: "openwop_replay_dead_letters",
    text: REPLAY_DEAD_LETTERS_SQL,
    values: [
      tenantId,
      webhookId,
      limit,
      at,
      epochMs(at),
      selection.since ?? null,
      selection.until ?? null,
      selection.eventTypes === undefined ? null : [...selection.eventTypes],
    ],
  });
  return result.rows[0]?.requeued ?? 0;
}

/** Only deliveries whose subscription exists count (see the module comment). */
const STATS_SQL = `
SELECT
  (SELECT count(*) FROM webhook_deliveries AS d
    WHERE d.status IN ('pending', 'failed') AND EXISTS (SELECT 1 FROM webhooks AS w WHERE w.webhook_id = d.webhook_id))
    ::integer AS waiting,
  (SELECT min(d.created_at) FROM webhook_deliveries AS d
    WHERE d.status IN ('pending', 'failed') AND EXISTS (SELECT 1 FROM webhooks AS w WHERE w.webhook_id = d.webhook_id))
    AS oldest_waiting_at,
  (SELECT count(*) FROM webhook_deliveries AS d
    WHERE d.status = 'dead_lettered' AND EXISTS (SELECT 1 FROM webhooks AS w WHERE w.webhook_id = d.webhook_id))
    ::integer AS dead_lettered,
  (SELECT count(*) FROM webhooks WHERE circuit_open_until_ms > $1::bigint)::integer AS open_circuits`;

export async function deliveryStats(database: Database, now: number): Promise<DeliveryStats> {
  const result = await database.idempotent<{
    waiting: number;
    oldest_waiting_at: string | null;
    dead_lettered: number;
    open_circuits: number;
  }>("reading delivery statistics", { name: "openwop_delivery_stats", text: STATS_SQL, values: [Math.round(now)] });
  const row = result.rows[0];
  return {
    waiting: row?.waiting ?? 0,
    oldestWaitingAt: row?.oldest_waiting_at ?? null,
    deadLettered: row?.dead_lettered ?? 0,
    openCircuits: row?.open_circuits ?? 0,
  };
}
