import type { IdempotencyRecord, IdempotentResponse, JsonValue, StorageAdapter } from "@openwop/storage";
import { ProtocolError, validationError } from "./errors.js";
import { canonicalJson, sha256Hex } from "./json.js";

const KEY_PATTERN = /^[A-Za-z0-9._~:-]{1,255}$/;

/** Identifies one caller request for Layer-1 idempotency. */
export interface IdempotencyScope {
  tenantId: string;
  /** The routed operation, e.g. `POST /v1/runs` — never the raw path. */
  endpoint: string;
  key: string;
  body: JsonValue | undefined;
}

export function checkIdempotencyKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw validationError("Idempotency-Key must be 1 to 255 URL-safe characters", {
      field: "Idempotency-Key",
    });
  }
}

/** The record key: tenant, endpoint and caller key, hashed so raw keys never reach storage or logs. */
export function idempotencyRecordKey(scope: Pick<IdempotencyScope, "tenantId" | "endpoint" | "key">): string {
  return sha256Hex(`${scope.tenantId}\n${scope.endpoint}\n${scope.key}`);
}

export function requestDigest(body: JsonValue | undefined): string {
  return sha256Hex(canonicalJson(body ?? null));
}

/** Only final answers are cached: 2xx and the 4xx that retrying cannot change. */
export function isCacheable(status: number): boolean {
  if (status >= 200 && status < 300) return true;
  return status >= 400 && status < 500 && ![400, 401, 403, 408, 429].includes(status);
}

export type IdempotentOutcome =
  | { replayed: false; response: IdempotentResponse }
  | { replayed: true; response: IdempotentResponse };

/**
 * The stored answer for a request whose key was seen before — a replay, or a refusal for a
 * different body (409 mismatch) or a first request still in flight (409) — or undefined
 * when the key is new.
 */
export async function priorAnswer(
  store: StorageAdapter,
  scope: IdempotencyScope,
): Promise<IdempotentOutcome | undefined> {
  const record = await store.getIdempotencyRecord(idempotencyRecordKey(scope));
  return record ? answerFromRecord(record, requestDigest(scope.body)) : undefined;
}

/**
 * The completed record an effect writes in its own transaction (a run created with its 201),
 * so a crash can never separate the effect from its answer.
 */
export function completedRecord(scope: IdempotencyScope, response: IdempotentResponse, createdAt: string) {
  return {
    recordKey: idempotencyRecordKey(scope),
    tenantId: scope.tenantId,
    endpoint: scope.endpoint,
    requestDigest: requestDigest(scope.body),
    createdAt,
    response,
  };
}

/** Answers a request whose key already has a record: replay, mismatch, or in flight. */
export function answerFromRecord(record: IdempotencyRecord, digest: string): IdempotentOutcome {
  if (record.requestDigest !== digest) {
    throw new ProtocolError("idempotency_key_mismatch", "this Idempotency-Key was used with a different request body");
  }
  if (record.state === "completed" && record.response) return { replayed: true, response: record.response };
  throw new ProtocolError("idempotency_in_flight", "a request with this Idempotency-Key is still being processed", {
    retryAfter: 1,
  });
}

export interface IdempotencyOptions {
  /** How long a pending record blocks duplicates before it may be reclaimed. */
  leaseMs: number;
  /** How long a duplicate waits for the first request to finish before answering 409 in flight. */
  waitMs: number;
  now: () => number;
}

/**
 * Runs `execute` at most once per (tenant, endpoint, key): the first request claims a
 * pending record, executes, and stores the final answer; a concurrent duplicate waits for
 * that answer and replays it; a later retry replays it at once. Non-final answers
 * release the record so a retry executes again.
 */
export async function runIdempotently(
  store: StorageAdapter,
  scope: IdempotencyScope,
  options: IdempotencyOptions,
  execute: () => Promise<IdempotentResponse>,
): Promise<IdempotentOutcome> {
  const recordKey = idempotencyRecordKey(scope);
  const digest = requestDigest(scope.body);
  const now = options.now();
  const claim = await store.claimIdempotencyKey(
    {
      recordKey,
      tenantId: scope.tenantId,
      endpoint: scope.endpoint,
      requestDigest: digest,
      state: "pending",
      leaseExpiresAt: now + options.leaseMs,
      response: null,
      createdAt: new Date(now).toISOString(),
    },
    now,
  );
  if (claim.outcome === "existing")
    return answerFromRecord(await waitForCompletion(store, claim.record, options), digest);
  let response: IdempotentResponse;
  try {
    response = await execute();
  } catch (error) {
    await store.releaseIdempotencyKey(recordKey).catch(() => undefined);
    throw error;
  }
  if (isCacheable(response.status)) await store.completeIdempotencyKey(recordKey, response);
  else await store.releaseIdempotencyKey(recordKey);
  return { replayed: false, response };
}

async function waitForCompletion(
  store: StorageAdapter,
  record: IdempotencyRecord,
  options: IdempotencyOptions,
): Promise<IdempotencyRecord> {
  const giveUpAt = options.now() + options.waitMs;
  let current = record;
  for (let pause = 10; current.state === "pending" && options.now() < giveUpAt; pause = Math.min(pause * 2, 200)) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    const next = await store.getIdempotencyRecord(record.recordKey);
    if (!next) break;
    current = next;
  }
  return current;
}
