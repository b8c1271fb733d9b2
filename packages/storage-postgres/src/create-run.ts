import type { RunCreation, RunEvent } from "@openwop/storage";
import { DELIVERIES_CHANNEL, EVENTS_CHANNEL, WORK_CHANNEL } from "./channels.js";
import type { Database } from "./database.js";
import { eventBatch, unnestEvents } from "./event-batch.js";
import { outboxSql, type OutboxRoutes } from "./outbox.js";

/**
 * createRun as ONE statement: data-modifying CTEs insert the run, its first events and
 * the idempotency answer, and queue the notifications. A single statement is a single
 * transaction in Postgres, so this is as atomic as BEGIN … COMMIT, in one round trip
 * instead of three. A duplicate run id or idempotency key aborts all of it (unique
 * violation, mapped to StorageConflictError by the constraint's name); a concurrent
 * creation under the same key waits on the key's index entry and then conflicts.
 * NOTIFY is queued by the statement and delivered by Postgres only if it commits. The
 * events take their feed position (this transaction's id and a `feed_id`: see
 * migrations/0004) and their webhook deliveries (outbox.ts) in the same statement.
 *
 * Every parameter carries an explicit cast: a parameter has exactly one type, and a
 * timestamp string used both as text and as timestamptz must stay text.
 *
 * Like a step's (commit-step.ts), the statement comes with and without the outbox; the form
 * without it inserts nothing at all, the idempotency answer included, when the run has events
 * and its tenant has a subscription, and the creation then runs again with the outbox.
 */
function createRunSql(withOutbox: boolean): string {
  // Evaluated in the statement's snapshot, as the outbox's own lookup would be.
  const guard = withOutbox
    ? ""
    : "AND ($19::integer = 0 OR NOT EXISTS (SELECT 1 FROM webhooks AS w WHERE w.tenant_id = $2::text))";
  return `
WITH idempotency AS (
  INSERT INTO idempotency_records
    (record_key, tenant_id, endpoint, request_digest, state, lease_expires_at, response, created_at, created_at_ts)
  SELECT $28::text, $29::text, $30::text, $31::text, 'completed', 0, $32::json, $33::text, $33::text::timestamptz
  WHERE $28::text IS NOT NULL ${guard}
),
run AS (
  INSERT INTO runs (run_id, tenant_id, workflow_id, status, definition, inputs, variables, configurable, tags, metadata,
    current_node_id, error, engine_state, cancel_requested, created_at, started_at, completed_at, completed_at_ts,
    updated_at, last_sequence, feed_xid)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::json, $6::json, $7::json, $8::json, $9::json, $10::json,
    $11::text, $12::json, $13::json, $14::boolean, $15::text, $16::text, $17::text, $17::text::timestamptz,
    $18::text, $19::integer - 1, CASE WHEN $19::integer > 0 THEN pg_current_xact_id() ELSE '0'::xid8 END
  WHERE true ${guard}
  RETURNING run_id, tenant_id, tags, created_at, feed_xid
),
-- The tag index of migration 0005, one row per distinct tag.
tagged AS (
  INSERT INTO run_tags (tenant_id, tag, created_at, run_id)
  SELECT DISTINCT run.tenant_id, t.tag, run.created_at, run.run_id
  FROM run, json_array_elements_text(run.tags) AS t (tag)
),
appended AS (
  INSERT INTO events (run_id, sequence, event_id, type, payload, occurred_at, node_id, schema_version, engine_version,
    causation_id, tenant_id, feed_xid)
  SELECT run.run_id, e.position - 1, e.event_id, e.type, e.payload, e.occurred_at, e.node_id, e.schema_version,
    e.engine_version, e.causation_id, run.tenant_id, run.feed_xid
  FROM run, ${unnestEvents(20)}
  ORDER BY e.position${withOutbox ? "\n  RETURNING sequence, type, occurred_at, feed_id" : ""}
)${withOutbox ? `,\n${outboxSql({ count: "$19::integer", firstSequence: "0", dueMs: "$34::bigint[]" })}` : ""}
SELECT
  ${withOutbox ? "recorded.count" : "0"} AS deliveries,
  ${withOutbox ? "recorded.subscriptions" : "0"} AS subscriptions,
  pg_notify('${WORK_CHANNEL}', run.run_id),
  CASE WHEN $19::integer > 0 THEN pg_notify('${EVENTS_CHANNEL}', run.run_id || ':' || ($19::integer - 1)) END${
    withOutbox ? `,\n  CASE WHEN recorded.count > 0 THEN pg_notify('${DELIVERIES_CHANNEL}', '') END` : ""
  }
FROM run${withOutbox ? ", recorded" : ""}`;
}

const CREATE_RUN = {
  withOutbox: { name: "openwop_create_run", text: createRunSql(true) },
  withoutOutbox: { name: "openwop_create_run_no_outbox", text: createRunSql(false) },
};

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** What a run creation wrote: its first events, and how many webhook deliveries came with them. */
export interface CreatedRun {
  events: RunEvent[];
  deliveries: number;
}

export async function createRun(database: Database, routes: OutboxRoutes, creation: RunCreation): Promise<CreatedRun> {
  const { run, idempotency } = creation;
  const batch = eventBatch(creation.events);
  const values = [
    run.runId,
    run.tenantId,
    run.workflowId,
    run.status,
    JSON.stringify(run.definition),
    JSON.stringify(run.inputs),
    JSON.stringify(run.variables),
    JSON.stringify(run.configurable),
    JSON.stringify(run.tags),
    JSON.stringify(run.metadata),
    run.currentNodeId,
    jsonOrNull(run.error),
    JSON.stringify(run.engineState),
    run.cancelRequested,
    run.createdAt,
    run.startedAt,
    run.completedAt,
    run.updatedAt,
    batch.count,
    ...batch.columns,
    idempotency?.recordKey ?? null,
    idempotency?.tenantId ?? null,
    idempotency?.endpoint ?? null,
    idempotency?.requestDigest ?? null,
    jsonOrNull(idempotency?.response),
    idempotency?.createdAt ?? null,
  ];
  const create = async (withOutbox: boolean) =>
    database.once<{ deliveries: number; subscriptions: number }>("creating a run", {
      ...(withOutbox ? CREATE_RUN.withOutbox : CREATE_RUN.withoutOutbox),
      // The form without the outbox takes no due times: a parameter it does not use would have no type.
      values: withOutbox ? [...values, batch.dueMs] : values,
    });
  const withOutbox = batch.count > 0 && routes.expects(run.runId, run.tenantId);
  // No row: the form without the outbox found a subscription and wrote nothing; with the outbox, always a row.
  const row = (await create(withOutbox)).rows[0] ?? (await create(true)).rows[0];
  if (batch.count > 0) routes.learned(run.runId, run.tenantId, (row?.subscriptions ?? 0) > 0);
  return { events: batch.materialise(run.runId, 0), deliveries: row?.deliveries ?? 0 };
}
