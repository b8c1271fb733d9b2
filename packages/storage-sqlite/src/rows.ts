import type {
  ApiKeyRecord,
  IdempotencyRecord,
  IdempotencyState,
  IdempotentResponse,
  JsonObject,
  JsonValue,
  RunError,
  RunEvent,
  RunRecord,
  RunStatus,
  RunTombstone,
  SuspensionKind,
  SuspensionRecord,
  SuspensionStatus,
} from "@openwop/storage";

/**
 * Row shapes as SQLite returns them, and their mapping to SPI records. The JSON columns
 * hold text this adapter wrote with `JSON.stringify`, so parsing them back to the
 * declared type is a round trip, not a guess.
 */
function parseJson<T extends JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}

export interface RunRow {
  run_id: string;
  tenant_id: string;
  workflow_id: string;
  status: string;
  definition_json: string;
  inputs_json: string;
  variables_json: string;
  configurable_json: string;
  tags_json: string;
  metadata_json: string;
  current_node_id: string | null;
  error_json: string | null;
  engine_state_json: string;
  cancel_requested: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  claim_holder_id: string | null;
  claim_expires_at: number | null;
  claim_epoch: number;
  last_sequence: number;
}

export function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status as RunStatus,
    definition: parseJson<JsonObject>(row.definition_json),
    inputs: parseJson<JsonObject>(row.inputs_json),
    variables: parseJson<JsonObject>(row.variables_json),
    configurable: parseJson<JsonObject>(row.configurable_json),
    tags: parseJson<string[]>(row.tags_json),
    metadata: parseJson<JsonObject>(row.metadata_json),
    currentNodeId: row.current_node_id,
    error: row.error_json === null ? null : (parseJson<JsonObject>(row.error_json) as unknown as RunError),
    engineState: parseJson<JsonObject>(row.engine_state_json),
    cancelRequested: row.cancel_requested !== 0,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
    claim:
      row.claim_holder_id === null || row.claim_expires_at === null
        ? null
        : { holderId: row.claim_holder_id, expiresAt: row.claim_expires_at, epoch: row.claim_epoch },
    lastSequence: row.last_sequence,
  };
}

export interface EventRow {
  run_id: string;
  sequence: number;
  event_id: string;
  type: string;
  payload_json: string;
  timestamp: string;
  node_id: string | null;
  schema_version: number | null;
  engine_version: string | null;
  causation_id: string | null;
}

/** Optional event fields are omitted when absent, exactly as they were handed in. */
export function eventFromRow(row: EventRow): RunEvent {
  const event: RunEvent = {
    eventId: row.event_id,
    runId: row.run_id,
    type: row.type,
    payload: parseJson<JsonValue>(row.payload_json),
    timestamp: row.timestamp,
    sequence: row.sequence,
  };
  if (row.node_id !== null) event.nodeId = row.node_id;
  if (row.schema_version !== null) event.schemaVersion = row.schema_version;
  if (row.engine_version !== null) event.engineVersion = row.engine_version;
  if (row.causation_id !== null) event.causationId = row.causation_id;
  return event;
}

export interface SuspensionRow {
  suspension_id: string;
  run_id: string;
  node_id: string;
  kind: string;
  status: string;
  data_json: string;
  created_at: string;
  resolved_at: string | null;
  resume_value_json: string;
}

export function suspensionFromRow(row: SuspensionRow): SuspensionRecord {
  return {
    suspensionId: row.suspension_id,
    runId: row.run_id,
    nodeId: row.node_id,
    kind: row.kind as SuspensionKind,
    status: row.status as SuspensionStatus,
    data: parseJson<JsonObject>(row.data_json),
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resumeValue: parseJson<JsonValue>(row.resume_value_json),
  };
}

export interface IdempotencyRow {
  record_key: string;
  tenant_id: string;
  endpoint: string;
  request_digest: string;
  state: string;
  lease_expires_at: number;
  response_json: string | null;
  created_at: string;
}

export function idempotencyFromRow(row: IdempotencyRow): IdempotencyRecord {
  return {
    recordKey: row.record_key,
    tenantId: row.tenant_id,
    endpoint: row.endpoint,
    requestDigest: row.request_digest,
    state: row.state as IdempotencyState,
    leaseExpiresAt: row.lease_expires_at,
    response:
      row.response_json === null ? null : (parseJson<JsonObject>(row.response_json) as unknown as IdempotentResponse),
    createdAt: row.created_at,
  };
}

export interface ApiKeyRow {
  key_hash: string;
  tenant_id: string;
  scopes_json: string;
  label: string;
  test: number;
  created_at: string;
  revoked_at: string | null;
}

export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    keyHash: row.key_hash,
    tenantId: row.tenant_id,
    scopes: parseJson<string[]>(row.scopes_json),
    label: row.label,
    test: row.test !== 0,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export interface TombstoneRow {
  run_id: string;
  tenant_id: string;
  expired_at: string;
}

export function tombstoneFromRow(row: TombstoneRow): RunTombstone {
  return { runId: row.run_id, tenantId: row.tenant_id, expiredAt: row.expired_at };
}
