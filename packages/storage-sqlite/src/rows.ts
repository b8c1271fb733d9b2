import type {
  ApiKeyKind,
  ApiKeyOrigin,
  ApiKeyRecord,
  AuthFailureCount,
  AuthFailureReason,
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
  TenantKeyStats,
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
  tenant_id: string;
  feed_position: number;
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
  key_id: string;
  key_hash: string;
  prefix: string;
  tenant_id: string;
  scopes_json: string;
  kind: string;
  origin: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  rotated_at: string | null;
  revoked_at: string | null;
  replaced_by: string | null;
  replaces: string | null;
}

export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    keyHash: row.key_hash,
    prefix: row.prefix,
    tenantId: row.tenant_id,
    scopes: parseJson<string[]>(row.scopes_json),
    kind: row.kind as ApiKeyKind,
    origin: row.origin as ApiKeyOrigin,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    rotatedAt: row.rotated_at,
    revokedAt: row.revoked_at,
    replacedBy: row.replaced_by,
    replaces: row.replaces,
  };
}

/**
 * How a failure without a key prefix is stored: as one group, which a NULL in the unique
 * key would not be. Real prefixes are never empty.
 */
export const NO_KEY_PREFIX = "";

export interface AuthFailureRow {
  tenant_id: string;
  reason: string;
  key_prefix: string;
  route: string;
  count: number;
  first_seen: string;
  last_seen: string;
}

export function authFailureFromRow(row: AuthFailureRow): AuthFailureCount {
  return {
    tenantId: row.tenant_id,
    reason: row.reason as AuthFailureReason,
    keyPrefix: row.key_prefix === NO_KEY_PREFIX ? null : row.key_prefix,
    route: row.route,
    count: row.count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}

export interface KeyStatsRow {
  tenant_id: string;
  expiring_soon: number;
  last_rotated_at: string | null;
  last_revoked_at: string | null;
}

export function keyStatsFromRow(row: KeyStatsRow): TenantKeyStats {
  return {
    tenantId: row.tenant_id,
    expiringSoon: row.expiring_soon,
    lastRotatedAt: row.last_rotated_at,
    lastRevokedAt: row.last_revoked_at,
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
