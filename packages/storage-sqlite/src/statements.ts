import type Database from "better-sqlite3";
import type { EventRow, IdempotencyRow, RunRow, SuspensionRow, TombstoneRow } from "./rows.js";

/** SQLite has no boolean: flags and booleans travel as 0 / 1. */
export type SqlFlag = 0 | 1;

export interface RunInsertParams {
  runId: string;
  tenantId: string;
  workflowId: string;
  status: string;
  definitionJson: string;
  inputsJson: string;
  variablesJson: string;
  configurableJson: string;
  tagsJson: string;
  metadataJson: string;
  currentNodeId: string | null;
  errorJson: string | null;
  engineStateJson: string;
  cancelRequested: SqlFlag;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
  lastSequence: number;
}

export type EventInsertParams = [
  runId: string,
  sequence: number,
  eventId: string,
  type: string,
  payloadJson: string,
  timestamp: string,
  nodeId: string | null,
  schemaVersion: number | null,
  engineVersion: string | null,
  causationId: string | null,
  tenantId: string,
  feedPosition: number,
];

export interface SuspensionInsertParams {
  suspensionId: string;
  runId: string;
  nodeId: string;
  kind: string;
  status: string;
  dataJson: string;
  createdAt: string;
  resolvedAt: string | null;
  resumeValueJson: string;
}

export interface SuspensionSettleParams {
  suspensionId: string;
  runId: string;
  from: string;
  to: string;
  resolvedAt: string;
  setResumeValue: SqlFlag;
  resumeValueJson: string | null;
}

export interface IdempotencyParams {
  recordKey: string;
  tenantId: string;
  endpoint: string;
  requestDigest: string;
  state: string;
  leaseExpiresAt: number;
  responseJson: string | null;
  createdAt: string;
}

/** What a step needs to know about its run before writing: one primary-key lookup. */
export interface RunHeadRow {
  tenant_id: string;
  status: string;
  claim_holder_id: string | null;
  claim_epoch: number;
  last_sequence: number;
}

const CLAIMABLE = "status IN ('pending', 'running', 'cancelling')";
const TERMINAL = "status IN ('completed', 'failed', 'cancelled')";
const FREE_AT_NOW = "(claim_holder_id IS NULL OR claim_expires_at <= @now)";

type Statement<Params extends unknown[] | object = [], Result = unknown> = Database.Statement<Params, Result>;

/** Every statement the adapter runs, by purpose. */
export interface Statements {
  ping: Statement<[], number>;
  insertRun: Statement<RunInsertParams>;
  insertRunTag: Statement<{ tenantId: string; tag: string; createdAt: string; runId: string }>;
  selectRun: Statement<[string], RunRow>;
  selectRunOfTenant: Statement<[runId: string, tenantId: string], RunRow>;
  selectRunHead: Statement<[string], RunHeadRow>;
  countRunsByStatus: Statement<[], { status: string; count: number }>;
  insertEvent: Statement<EventInsertParams>;
  selectEvents: Statement<[runId: string, fromSequence: number, limit: number], EventRow>;
  selectEventsOfTenant: Statement<[runId: string, tenantId: string, fromSequence: number, limit: number], EventRow>;
  selectLatestEvent: Statement<[string], EventRow>;
  insertSuspension: Statement<SuspensionInsertParams>;
  settleSuspension: Statement<SuspensionSettleParams>;
  selectSuspensions: Statement<[runId: string], SuspensionRow>;
  selectSuspensionsByStatus: Statement<[runId: string, status: string], SuspensionRow>;
  selectSuspensionsOfTenant: Statement<[runId: string, tenantId: string], SuspensionRow>;
  selectSuspensionsOfTenantByStatus: Statement<[runId: string, tenantId: string, status: string], SuspensionRow>;
  claimRun: Statement<{ runId: string; holderId: string; expiresAt: number; now: number }, number>;
  renewClaims: Statement<{ holderId: string; expiresAt: number }, string>;
  releaseAllClaims: Statement<[holderId: string]>;
  releaseNamedClaims: Statement<[holderId: string, runIdsJson: string]>;
  listClaimableRuns: Statement<{ now: number; limit: number }, string>;
  claimIdempotencyKey: Statement<IdempotencyParams & { now: number }>;
  insertIdempotency: Statement<IdempotencyParams>;
  selectIdempotency: Statement<[string], IdempotencyRow>;
  completeIdempotency: Statement<[responseJson: string, recordKey: string]>;
  releaseIdempotency: Statement<[recordKey: string]>;
  purgeIdempotency: Statement<[createdBefore: string]>;
  selectExpirableRuns: Statement<[completedBefore: string, limit: number], { run_id: string; tenant_id: string }>;
  selectRunTenant: Statement<[string], string>;
  insertTombstone: Statement<[runId: string, tenantId: string, expiredAt: string]>;
  deleteRun: Statement<[runId: string]>;
  selectTombstone: Statement<[string], TombstoneRow>;
  selectTombstoneOfTenant: Statement<[runId: string, tenantId: string], TombstoneRow>;
}

/**
 * Every statement the adapter runs, prepared once when it opens. Preparing is parsing and
 * planning; doing it per call would cost more than most of the statements themselves.
 */
export function prepareStatements(db: Database.Database): Statements {
  return {
    ping: db.prepare<[], number>("SELECT 1").pluck(),

    insertRun: db.prepare<RunInsertParams>(`
      INSERT INTO runs (
        run_id, tenant_id, workflow_id, status, definition_json, inputs_json, variables_json,
        configurable_json, tags_json, metadata_json, current_node_id, error_json, engine_state_json,
        cancel_requested, created_at, started_at, completed_at, updated_at, last_sequence
      ) VALUES (
        @runId, @tenantId, @workflowId, @status, @definitionJson, @inputsJson, @variablesJson,
        @configurableJson, @tagsJson, @metadataJson, @currentNodeId, @errorJson, @engineStateJson,
        @cancelRequested, @createdAt, @startedAt, @completedAt, @updatedAt, @lastSequence
      )
      ON CONFLICT (run_id) DO NOTHING`),
    // The tag index of migration 0005; a tag given twice is one row.
    insertRunTag: db.prepare<{ tenantId: string; tag: string; createdAt: string; runId: string }>(
      "INSERT INTO run_tags (tenant_id, tag, created_at, run_id) VALUES (@tenantId, @tag, @createdAt, @runId) ON CONFLICT DO NOTHING",
    ),
    selectRun: db.prepare<[string], RunRow>("SELECT * FROM runs WHERE run_id = ?"),
    // Tenant-scoped reads (auth.md §5.4): another tenant's run matches no row, in the same statement.
    selectRunOfTenant: db.prepare<[string, string], RunRow>("SELECT * FROM runs WHERE run_id = ? AND tenant_id = ?"),
    selectRunHead: db.prepare<[string], RunHeadRow>(
      "SELECT tenant_id, status, claim_holder_id, claim_epoch, last_sequence FROM runs WHERE run_id = ?",
    ),
    countRunsByStatus: db.prepare<[], { status: string; count: number }>(
      "SELECT status, count(*) AS count FROM runs GROUP BY status",
    ),

    insertEvent: db.prepare<EventInsertParams>(`
      INSERT INTO run_events (
        run_id, sequence, event_id, type, payload_json, timestamp, node_id, schema_version, engine_version, causation_id,
        tenant_id, feed_position
      ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    selectEvents: db.prepare<[string, number, number], EventRow>(
      "SELECT * FROM run_events WHERE run_id = ? AND sequence >= ? ORDER BY sequence LIMIT ?",
    ),
    // The run row is one primary-key lookup beside the range scan of the log.
    selectEventsOfTenant: db.prepare<[string, string, number, number], EventRow>(`
      SELECT e.* FROM run_events AS e JOIN runs AS r ON r.run_id = e.run_id
      WHERE e.run_id = ? AND r.tenant_id = ? AND e.sequence >= ? ORDER BY e.sequence LIMIT ?`),
    selectLatestEvent: db.prepare<[string], EventRow>(
      "SELECT * FROM run_events WHERE run_id = ? ORDER BY sequence DESC LIMIT 1",
    ),

    insertSuspension: db.prepare<SuspensionInsertParams>(`
      INSERT INTO suspensions (
        suspension_id, run_id, node_id, kind, status, data_json, created_at, resolved_at, resume_value_json
      ) VALUES (
        @suspensionId, @runId, @nodeId, @kind, @status, @dataJson, @createdAt, @resolvedAt, @resumeValueJson
      )
      ON CONFLICT (suspension_id) DO NOTHING`),
    settleSuspension: db.prepare<SuspensionSettleParams>(`
      UPDATE suspensions SET
        status = @to,
        resolved_at = @resolvedAt,
        resume_value_json = CASE WHEN @setResumeValue THEN @resumeValueJson ELSE resume_value_json END
      WHERE suspension_id = @suspensionId AND run_id = @runId AND status = @from`),
    selectSuspensions: db.prepare<[string], SuspensionRow>(
      "SELECT * FROM suspensions WHERE run_id = ? ORDER BY created_at, suspension_id",
    ),
    selectSuspensionsByStatus: db.prepare<[string, string], SuspensionRow>(
      "SELECT * FROM suspensions WHERE run_id = ? AND status = ? ORDER BY created_at, suspension_id",
    ),
    selectSuspensionsOfTenant: db.prepare<[string, string], SuspensionRow>(`
      SELECT s.* FROM suspensions AS s JOIN runs AS r ON r.run_id = s.run_id
      WHERE s.run_id = ? AND r.tenant_id = ? ORDER BY s.created_at, s.suspension_id`),
    selectSuspensionsOfTenantByStatus: db.prepare<[string, string, string], SuspensionRow>(`
      SELECT s.* FROM suspensions AS s JOIN runs AS r ON r.run_id = s.run_id
      WHERE s.run_id = ? AND r.tenant_id = ? AND s.status = ? ORDER BY s.created_at, s.suspension_id`),

    claimRun: db
      .prepare<{ runId: string; holderId: string; expiresAt: number; now: number }, number>(`
      UPDATE runs SET claim_holder_id = @holderId, claim_expires_at = @expiresAt, claim_epoch = claim_epoch + 1
      WHERE run_id = @runId AND ${CLAIMABLE} AND ${FREE_AT_NOW}
      RETURNING claim_epoch`)
      .pluck(),
    renewClaims: db
      .prepare<{ holderId: string; expiresAt: number }, string>(`
      UPDATE runs SET claim_expires_at = @expiresAt
      WHERE claim_holder_id = @holderId
      RETURNING run_id`)
      .pluck(),
    releaseAllClaims: db.prepare<[string]>(
      "UPDATE runs SET claim_holder_id = NULL, claim_expires_at = NULL WHERE claim_holder_id = ?",
    ),
    // The run ids travel as one JSON array, so one prepared statement serves any count.
    releaseNamedClaims: db.prepare<[string, string]>(`
      UPDATE runs SET claim_holder_id = NULL, claim_expires_at = NULL
      WHERE claim_holder_id = ? AND run_id IN (SELECT value FROM json_each(?))`),
    // INDEXED BY: without ANALYZE statistics the planner prefers runs_by_status plus a sort
    // of every claimable run; the partial index yields them in order and stops at LIMIT.
    listClaimableRuns: db
      .prepare<{ now: number; limit: number }, string>(`
      SELECT run_id FROM runs INDEXED BY runs_claimable
      WHERE ${CLAIMABLE} AND ${FREE_AT_NOW}
      ORDER BY created_at, run_id
      LIMIT @limit`)
      .pluck(),

    claimIdempotencyKey: db.prepare<IdempotencyParams & { now: number }>(`
      INSERT INTO idempotency_records (
        record_key, tenant_id, endpoint, request_digest, state, lease_expires_at, response_json, created_at
      ) VALUES (
        @recordKey, @tenantId, @endpoint, @requestDigest, @state, @leaseExpiresAt, @responseJson, @createdAt
      )
      ON CONFLICT (record_key) DO UPDATE SET
        tenant_id = excluded.tenant_id,
        endpoint = excluded.endpoint,
        request_digest = excluded.request_digest,
        state = excluded.state,
        lease_expires_at = excluded.lease_expires_at,
        response_json = excluded.response_json,
        created_at = excluded.created_at
      WHERE idempotency_records.state = 'pending' AND idempotency_records.lease_expires_at <= @now`),
    insertIdempotency: db.prepare<IdempotencyParams>(`
      INSERT INTO idempotency_records (
        record_key, tenant_id, endpoint, request_digest, state, lease_expires_at, response_json, created_at
      ) VALUES (
        @recordKey, @tenantId, @endpoint, @requestDigest, @state, @leaseExpiresAt, @responseJson, @createdAt
      )
      ON CONFLICT (record_key) DO NOTHING`),
    selectIdempotency: db.prepare<[string], IdempotencyRow>("SELECT * FROM idempotency_records WHERE record_key = ?"),
    completeIdempotency: db.prepare<[string, string]>(
      "UPDATE idempotency_records SET state = 'completed', response_json = ? WHERE record_key = ? AND state = 'pending'",
    ),
    releaseIdempotency: db.prepare<[string]>(
      "DELETE FROM idempotency_records WHERE record_key = ? AND state = 'pending'",
    ),
    purgeIdempotency: db.prepare<[string]>("DELETE FROM idempotency_records WHERE created_at < ?"),

    selectExpirableRuns: db.prepare<[string, number], { run_id: string; tenant_id: string }>(`
      SELECT run_id, tenant_id FROM runs INDEXED BY runs_expirable
      WHERE ${TERMINAL} AND completed_at < ?
      ORDER BY completed_at, run_id
      LIMIT ?`),
    selectRunTenant: db.prepare<[string], string>("SELECT tenant_id FROM runs WHERE run_id = ?").pluck(),
    insertTombstone: db.prepare<[string, string, string]>(
      "INSERT INTO run_tombstones (run_id, tenant_id, expired_at) VALUES (?, ?, ?) ON CONFLICT (run_id) DO NOTHING",
    ),
    // Events, suspensions and webhook deliveries (with their attempts) go with the run through ON DELETE CASCADE.
    deleteRun: db.prepare<[string]>("DELETE FROM runs WHERE run_id = ?"),
    selectTombstone: db.prepare<[string], TombstoneRow>("SELECT * FROM run_tombstones WHERE run_id = ?"),
    selectTombstoneOfTenant: db.prepare<[string, string], TombstoneRow>(
      "SELECT * FROM run_tombstones WHERE run_id = ? AND tenant_id = ?",
    ),
  };
}
