import type { RunCreation, RunEvent } from "@openwop/storage";
import { EVENTS_CHANNEL, WORK_CHANNEL } from "./channels.js";
import type { Database } from "./database.js";
import { eventBatch, unnestEvents } from "./event-batch.js";

/**
 * createRun as ONE statement: data-modifying CTEs insert the run, its first events and
 * the idempotency answer, and queue the notifications. A single statement is a single
 * transaction in Postgres, so this is as atomic as BEGIN … COMMIT, in one round trip
 * instead of three. A duplicate run id or idempotency key aborts all of it (unique
 * violation, mapped to StorageConflictError by the constraint's name); a concurrent
 * creation under the same key waits on the key's index entry and then conflicts.
 * NOTIFY is queued by the statement and delivered by Postgres only if it commits.
 *
 * Every parameter carries an explicit cast: a parameter has exactly one type, and a
 * timestamp string used both as text and as timestamptz must stay text.
 */
const CREATE_RUN_SQL = `
WITH idempotency AS (
  INSERT INTO idempotency_records
    (record_key, tenant_id, endpoint, request_digest, state, lease_expires_at, response, created_at, created_at_ts)
  SELECT $28::text, $29::text, $30::text, $31::text, 'completed', 0, $32::json, $33::text, $33::text::timestamptz
  WHERE $28::text IS NOT NULL
),
run AS (
  INSERT INTO runs (run_id, tenant_id, workflow_id, status, definition, inputs, variables, configurable, tags, metadata,
    current_node_id, error, engine_state, cancel_requested, created_at, started_at, completed_at, completed_at_ts,
    updated_at, last_sequence)
  VALUES ($1::text, $2::text, $3::text, $4::text, $5::json, $6::json, $7::json, $8::json, $9::json, $10::json,
    $11::text, $12::json, $13::json, $14::boolean, $15::text, $16::text, $17::text, $17::text::timestamptz,
    $18::text, $19::integer - 1)
  RETURNING run_id
),
appended AS (
  INSERT INTO events (run_id, sequence, event_id, type, payload, occurred_at, node_id, schema_version, engine_version,
    causation_id)
  SELECT run.run_id, e.position - 1, e.event_id, e.type, e.payload, e.occurred_at, e.node_id, e.schema_version,
    e.engine_version, e.causation_id
  FROM run, ${unnestEvents(20)}
)
SELECT
  pg_notify('${WORK_CHANNEL}', run.run_id),
  CASE WHEN $19::integer > 0 THEN pg_notify('${EVENTS_CHANNEL}', run.run_id || ':' || ($19::integer - 1)) END
FROM run`;

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export async function createRun(database: Database, creation: RunCreation): Promise<RunEvent[]> {
  const { run, idempotency } = creation;
  const batch = eventBatch(creation.events);
  await database.once("creating a run", {
    name: "openwop_create_run",
    text: CREATE_RUN_SQL,
    values: [
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
    ],
  });
  return batch.materialise(run.runId, 0);
}
