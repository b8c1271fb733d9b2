import type {
  ApiKeyKind,
  ApiKeyOrigin,
  ApiKeyRecord,
  AuthFailureCount,
  AuthFailureReason,
  IdempotencyRecord,
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
  IdempotencyState,
  TenantKeyStats,
} from "@openwop/storage";

/**
 * Rows as node-postgres returns them, and their mapping to SPI records. `json` columns
 * arrive parsed (fresh objects per read, so callers can never mutate stored state);
 * `bigint` arrives as a string, because it may exceed 2^53 in general (ours never do).
 */

export const RUN_COLUMNS = `run_id, tenant_id, workflow_id, status, definition, inputs, variables, configurable, tags,
  metadata, current_node_id, error, engine_state, cancel_requested, created_at, started_at, completed_at, updated_at,
  claim_holder_id, claim_expires_at, claim_epoch, last_sequence`;

export interface RunRow {
  run_id: string;
  tenant_id: string;
  workflow_id: string;
  status: RunStatus;
  definition: JsonObject;
  inputs: JsonObject;
  variables: JsonObject;
  configurable: JsonObject;
  tags: string[];
  metadata: JsonObject;
  current_node_id: string | null;
  error: RunError | null;
  engine_state: JsonObject;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  claim_holder_id: string | null;
  claim_expires_at: string | null;
  claim_epoch: number;
  last_sequence: number;
}

export function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status,
    definition: row.definition,
    inputs: row.inputs,
    variables: row.variables,
    configurable: row.configurable,
    tags: row.tags,
    metadata: row.metadata,
    currentNodeId: row.current_node_id,
    error: row.error,
    engineState: row.engine_state,
    cancelRequested: row.cancel_requested,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
    claim:
      row.claim_holder_id === null
        ? null
        : { holderId: row.claim_holder_id, expiresAt: Number(row.claim_expires_at), epoch: row.claim_epoch },
    lastSequence: row.last_sequence,
  };
}

export const EVENT_COLUMNS =
  "event_id, run_id, type, payload, occurred_at, sequence, node_id, schema_version, engine_version, causation_id";

export interface EventRow {
  event_id: string;
  run_id: string;
  type: string;
  payload: JsonValue;
  occurred_at: string;
  sequence: number;
  node_id: string | null;
  schema_version: number | null;
  engine_version: string | null;
  causation_id: string | null;
}

/** Optional event fields are omitted, not null, exactly as the caller left them out. */
export function eventFromRow(row: EventRow): RunEvent {
  const event: RunEvent = {
    eventId: row.event_id,
    runId: row.run_id,
    type: row.type,
    payload: row.payload,
    timestamp: row.occurred_at,
    sequence: row.sequence,
  };
  if (row.node_id !== null) event.nodeId = row.node_id;
  if (row.schema_version !== null) event.schemaVersion = row.schema_version;
  if (row.engine_version !== null) event.engineVersion = row.engine_version;
  if (row.causation_id !== null) event.causationId = row.causation_id;
  return event;
}

export const SUSPENSION_COLUMNS =
  "suspension_id, run_id, node_id, kind, status, data, created_at, resolved_at, resume_value";

export interface SuspensionRow {
  suspension_id: string;
  run_id: string;
  node_id: string;
  kind: SuspensionKind;
  status: SuspensionStatus;
  data: JsonObject;
  created_at: string;
  resolved_at: string | null;
  resume_value: JsonValue | null;
}

export function suspensionFromRow(row: SuspensionRow): SuspensionRecord {
  return {
    suspensionId: row.suspension_id,
    runId: row.run_id,
    nodeId: row.node_id,
    kind: row.kind,
    status: row.status,
    data: row.data,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resumeValue: row.resume_value,
  };
}

export const IDEMPOTENCY_COLUMNS =
  "record_key, tenant_id, endpoint, request_digest, state, lease_expires_at, response, created_at";

export interface IdempotencyRow {
  record_key: string;
  tenant_id: string;
  endpoint: string;
  request_digest: string;
  state: IdempotencyState;
  lease_expires_at: string;
  response: IdempotentResponse | null;
  created_at: string;
}

export function idempotencyFromRow(row: IdempotencyRow): IdempotencyRecord {
  return {
    recordKey: row.record_key,
    tenantId: row.tenant_id,
    endpoint: row.endpoint,
    requestDigest: row.request_digest,
    state: row.state,
    leaseExpiresAt: Number(row.lease_expires_at),
    response: row.response,
    createdAt: row.created_at,
  };
}

export const API_KEY_COLUMNS = `key_id, key_hash, prefix, tenant_id, scopes, kind, origin, label, created_at, expires_at,
  last_used_at, rotated_at, revoked_at, replaced_by, replaces`;

export interface ApiKeyRow {
  key_id: string;
  key_hash: string;
  prefix: string;
  tenant_id: string;
  scopes: string[];
  kind: ApiKeyKind;
  origin: ApiKeyOrigin;
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
    scopes: row.scopes,
    kind: row.kind,
    origin: row.origin,
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

export const AUTH_FAILURE_COLUMNS = "tenant_id, reason, key_prefix, route, count, first_seen, last_seen";

export interface AuthFailureRow {
  tenant_id: string;
  reason: AuthFailureReason;
  key_prefix: string;
  route: string;
  /** bigint: a string. */
  count: string;
  first_seen: string;
  last_seen: string;
}

export function authFailureFromRow(row: AuthFailureRow): AuthFailureCount {
  return {
    tenantId: row.tenant_id,
    reason: row.reason,
    keyPrefix: row.key_prefix === NO_KEY_PREFIX ? null : row.key_prefix,
    route: row.route,
    count: Number(row.count),
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
