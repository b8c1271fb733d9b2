import { randomUUID } from "node:crypto";
import type { StorageAdapter } from "../adapter.js";
import type {
  ApiKeyRecord,
  AuthFailureCount,
  IdempotencyRecord,
  JsonObject,
  JsonValue,
  NewRunEvent,
  NewRunRecord,
  RunStatus,
  SuspensionRecord,
  WebhookSubscriptionRecord,
} from "../records.js";

/**
 * The kit's fixed clock. Adapters never read their own clock for claims, leases or
 * retention (the SPI passes `now` in), so tests are exact instead of timing-dependent.
 */
export const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** ISO-8601 timestamp `offsetMs` after {@link T0}. */
export function isoAt(offsetMs: number): string {
  return new Date(T0 + offsetMs).toISOString();
}

/** `prefix` and a random UUID, so records of one store never collide. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * JSON that trips careless persistence: unicode outside the BMP, escapes, an embedded
 * NUL (rejected by some JSON column types), floats, large safe integers, empty
 * containers, nulls, odd keys and deep nesting.
 */
export const AWKWARD_JSON: JsonObject = {
  text: "plain",
  quotes: 'he said "hi" \\ back',
  unicode: "héllo wörld — 你好 — 🚀",
  control: "tab\tnewline\nnul\u0000end",
  numbers: [0, -1, 2.5e-3, 1e-7, 1.5e300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1 + 0.2],
  flags: [true, false],
  nothing: null,
  emptyObject: {},
  emptyArray: [],
  nested: { a: { b: { c: { d: [{ e: "deep" }, [1, [2, [3]]]] } } } },
  "key with spaces": 1,
  "": "empty key",
};

/**
 * A run as `createRun` takes it: `pending` in tenant `tenant-a`, with a fresh id, a
 * three-node definition and every timestamp at {@link T0}. A test passes whatever it relies
 * on (an id it refers to, a status, the timestamps retention reads) as overrides.
 */
export function newRun(overrides: Partial<NewRunRecord> = {}): NewRunRecord {
  return {
    runId: uniqueId("run"),
    tenantId: "tenant-a",
    workflowId: "wf-three-nodes",
    status: "pending",
    definition: { id: "wf-three-nodes", nodes: [{ id: "a" }, { id: "b" }, { id: "c" }] },
    inputs: { name: "Ada" },
    variables: { name: "Ada" },
    configurable: {},
    tags: ["contract"],
    metadata: {},
    currentNodeId: null,
    error: null,
    engineState: { nodes: {} },
    cancelRequested: false,
    createdAt: isoAt(0),
    startedAt: null,
    completedAt: null,
    updatedAt: isoAt(0),
    ...overrides,
  };
}

/** An event to append, stamped {@link T0} + 1 ms unless `extra` says otherwise. */
export function newEvent(type: string, payload: JsonValue = {}, extra: Partial<NewRunEvent> = {}): NewRunEvent {
  return { type, payload, timestamp: isoAt(1), ...extra };
}

/** What {@link numberedEvents} puts into each event besides its number. */
export interface NumberedEventOptions extends Partial<Omit<NewRunEvent, "type" | "payload">> {
  /** Default `node.progress`. */
  type?: string;
  /** Fields every payload carries next to its `index`. */
  payload?: JsonObject;
}

/**
 * `count` events whose payloads are numbered `{index: 0}`, `{index: 1}`, …, so a test can
 * tell them apart after reading; `payload` fields are added to each (e.g. which writer).
 */
export function numberedEvents(count: number, options: NumberedEventOptions = {}): NewRunEvent[] {
  const { type = "node.progress", payload = {}, ...extra } = options;
  return Array.from({ length: count }, (_, index) => newEvent(type, { index, ...payload }, extra));
}

/** A pending approval suspension of node `b` of `runId`. */
export function newSuspension(runId: string, overrides: Partial<SuspensionRecord> = {}): SuspensionRecord {
  return {
    suspensionId: uniqueId("susp"),
    runId,
    nodeId: "b",
    kind: "approval",
    status: "pending",
    data: { prompt: "Approve?" },
    createdAt: isoAt(10),
    resolvedAt: null,
    resumeValue: null,
    ...overrides,
  };
}

/** A pending idempotency record in tenant `tenant-a`, its lease expiring 30 s after {@link T0}. */
export function newIdempotencyRecord(overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    recordKey: uniqueId("idem"),
    tenantId: "tenant-a",
    endpoint: "POST /v1/runs/{runId}/cancel",
    requestDigest: "sha256:aaaa",
    state: "pending",
    leaseExpiresAt: T0 + 30_000,
    response: null,
    createdAt: isoAt(0),
    ...overrides,
  };
}

/**
 * A live, unexpired, never used API key of tenant `tenant-a`, issued through the API, with a
 * fresh id and a fresh hash (a stand-in: adapters never look inside it).
 */
export function newApiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    keyId: uniqueId("key"),
    keyHash: uniqueId("sha256"),
    prefix: "hk_live_c0ntra",
    tenantId: "tenant-a",
    scopes: ["runs:read", "runs:write"],
    kind: "live",
    origin: "api",
    label: "contract key",
    createdAt: isoAt(0),
    expiresAt: null,
    lastUsedAt: null,
    rotatedAt: null,
    revokedAt: null,
    replacedBy: null,
    replaces: null,
    ...overrides,
  };
}

/** One authentication failure of tenant `tenant-a`: a refusal for insufficient scope on the run snapshot route, seen once at {@link T0}. */
export function newAuthFailure(overrides: Partial<AuthFailureCount> = {}): AuthFailureCount {
  return {
    tenantId: "tenant-a",
    reason: "insufficient_scope",
    keyPrefix: "hk_live_c0ntra",
    route: "GET /v1/runs/{runId}",
    count: 1,
    firstSeen: isoAt(0),
    lastSeen: isoAt(0),
    ...overrides,
  };
}

/**
 * An active webhook subscription of tenant `tenant-a` to `node.progress` events (the type
 * {@link numberedEvents} writes), without tags, its circuit closed, created at {@link T0},
 * with a fresh id. The sealed secret is a stand-in: adapters store it without looking inside.
 */
export function newSubscription(overrides: Partial<WebhookSubscriptionRecord> = {}): WebhookSubscriptionRecord {
  return {
    webhookId: uniqueId("wh"),
    tenantId: "tenant-a",
    url: "https://receiver.example/hooks/openwop",
    events: ["node.progress"],
    tags: [],
    signature: "v1",
    sealedSecret: "sealed:v1:c29tZSBzZWFsZWQgYnl0ZXM",
    secretFingerprint: "0a1b2c3d",
    status: "active",
    consecutiveFailures: 0,
    circuitOpenUntil: null,
    windowFailures: 0,
    failureWindowStartedAt: isoAt(0),
    createdAt: isoAt(0),
    updatedAt: isoAt(0),
    ...overrides,
  };
}

/** Creates a run (optionally in a given status, with first events) and resolves to its id. */
export async function seedRun(
  adapter: StorageAdapter,
  overrides: Partial<NewRunRecord> = {},
  events: NewRunEvent[] = [],
): Promise<string> {
  const run = newRun(overrides);
  await adapter.createRun({ run, events });
  return run.runId;
}

/** Seeds one run in each of `statuses`, resolving to their ids in the same order (a tuple for a tuple). */
export async function seedRunsInStatuses<const Statuses extends readonly RunStatus[]>(
  adapter: StorageAdapter,
  statuses: Statuses,
): Promise<{ -readonly [Index in keyof Statuses]: string }> {
  const ids: string[] = [];
  for (const status of statuses) ids.push(await seedRun(adapter, { status }));
  return ids as { -readonly [Index in keyof Statuses]: string };
}

/** `[from, from + 1, …, to - 1]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
}
