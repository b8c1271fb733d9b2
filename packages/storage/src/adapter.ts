import type {
  ApiKeyCursor,
  ApiKeyOrigin,
  ApiKeyRecord,
  AuthFailureCount,
  CreatedCursor,
  DeliveryStatus,
  FeedEntry,
  IdempotencyRecord,
  IdempotentResponse,
  JsonValue,
  NewRunEvent,
  NewRunRecord,
  RunClaim,
  RunEvent,
  RunPatch,
  RunListQuery,
  RunRecord,
  RunStatus,
  RunSummary,
  RunTombstone,
  SuspensionRecord,
  SuspensionStatus,
  TenantKeyStats,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "./records.js";

/** Stops a watcher or subscription. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * Write-fencing: the step is applied only while `holderId` still holds the claim acquired at `epoch`.
 * Checked against the stored holder and epoch, not the clock: a lapsed claim that nobody took over
 * still passes, which is safe because every acquisition increments the epoch.
 */
export interface ClaimFence {
  holderId: string;
  epoch: number;
}

/**
 * One engine step, applied atomically: events appended with consecutive sequences
 * **and** the run row patched, or nothing at all. Every precondition is checked
 * inside the same transaction.
 */
export interface RunStep {
  runId: string;
  /**
   * Apply the step only to a run of this tenant: a run of another tenant is treated exactly
   * as a missing one (`RunNotFoundError`), inside the same transaction (auth.md §5.4).
   */
  tenantId?: string;
  events?: NewRunEvent[];
  patch?: RunPatch;
  /** Reject with `ClaimLostError` unless this claim is still held. */
  fence?: ClaimFence;
  /** Reject with `StorageConflictError("run-status")` unless the run is in one of these statuses. */
  expectStatus?: readonly RunStatus[];
  /** Suspensions created in the step (a node suspending). */
  createSuspensions?: SuspensionRecord[];
  /**
   * Suspension transitions: applied only when the suspension is currently `from`,
   * else `StorageConflictError("suspension-state")`.
   */
  settleSuspensions?: Array<{
    suspensionId: string;
    from: SuspensionStatus;
    to: SuspensionStatus;
    resolvedAt: string;
    resumeValue?: JsonValue;
  }>;
  /** Release the run's claim in the same transaction (terminal or suspended runs). */
  releaseClaim?: boolean;
}

/** A run creation: the run row, its first events, and optionally the idempotency record answering it. */
export interface RunCreation {
  run: NewRunRecord;
  events?: NewRunEvent[];
  /**
   * Stored as a `completed` record in the same transaction, so a crash can never leave
   * a run without its idempotency answer or an answer without its run. A record with the
   * same key makes the whole creation fail with `StorageConflictError("idempotency-exists")`.
   */
  idempotency?: Omit<IdempotencyRecord, "state" | "response" | "leaseExpiresAt"> & { response: IdempotentResponse };
}

export interface ReadEventsOptions {
  /** Inclusive. Default 0. */
  fromSequence?: number;
  /** Default 100. */
  limit?: number;
  /** Only events of a run of this tenant: another tenant's run reads as an empty log. */
  tenantId?: string;
}

export interface ListSuspensionsOptions {
  status?: SuspensionStatus;
  /** Only suspensions of a run of this tenant. */
  tenantId?: string;
}

/** Runs and the events of their logs. */
export interface RunStore {
  /** Rejects with `StorageConflictError("run-exists")` when the run id is taken. */
  createRun(creation: RunCreation): Promise<RunEvent[]>;
  /**
   * The run, or null. With `tenantId`, a run of another tenant is null too: the tenant is
   * part of the query, so such a run is never loaded (auth.md §5.4).
   */
  getRun(runId: string, tenantId?: string): Promise<RunRecord | null>;
  /**
   * One page of a tenant's runs (see {@link RunListQuery}). The tenant is part of the query,
   * and adapters index every filter so a page costs the same at 100 000 runs as at 100.
   */
  listRuns(query: RunListQuery): Promise<RunSummary[]>;
  /** Applies one {@link RunStep}; resolves to the appended events with their sequences. */
  commitStep(step: RunStep): Promise<RunEvent[]>;

  readEvents(runId: string, options?: ReadEventsOptions): Promise<RunEvent[]>;
  latestEvent(runId: string): Promise<RunEvent | null>;
  /**
   * Calls `listener` whenever events are appended to the run, with the highest sequence
   * now in the log. A notification is a hint to read, never the data itself: listeners
   * fetch rows with {@link readEvents}. Notifications may coalesce.
   */
  watchEvents(runId: string, listener: (lastSequence: number) => void): Unsubscribe;

  /** Suspensions of a run, optionally only those in one status or of one tenant's run. */
  listSuspensions(runId: string, options?: ListSuspensionsOptions): Promise<SuspensionRecord[]>;
}

/** Run claims (leases) that decide which process executes a run. */
export interface ClaimStore {
  /**
   * One compare-and-set on "unclaimed or expired at `now`". Resolves to the new claim,
   * or null when the race was lost or the run is terminal, waiting or missing.
   * Only `pending`, `running` and `cancelling` runs are claimable (`paused` is not). A claim
   * is expired from the instant `now >= expiresAt`; a live claim is never taken, not even by
   * its own holder. The epoch of a new claim is one more than the run's previous acquisition.
   */
  claimRun(runId: string, holderId: string, ttlMs: number, now: number): Promise<RunClaim | null>;
  /** Extends every claim still held by `holderId`; resolves to the run ids renewed. */
  renewClaims(holderId: string, ttlMs: number, now: number): Promise<string[]>;
  /** Releases claims held by `holderId` (all of them when `runIds` is absent). */
  releaseClaims(holderId: string, runIds?: string[]): Promise<void>;
  /**
   * Runs a worker could claim now: not terminal, not waiting on a human, and unclaimed
   * or expired at `now`. Oldest first (by `createdAt`, then `runId`).
   */
  listClaimableRuns(now: number, limit: number): Promise<string[]>;
  /**
   * Calls `listener` when a run may have become claimable (created, resumed, released).
   * Claim expiry is the passage of time, not a write, so nobody announces it: workers also
   * poll {@link listClaimableRuns} on a timer.
   */
  watchWork(listener: () => void): Unsubscribe;
  /** Runs per status, for queue depth and admission control. */
  countRunsByStatus(): Promise<Partial<Record<RunStatus, number>>>;
}

export type IdempotencyClaim =
  | { outcome: "claimed"; record: IdempotencyRecord }
  | { outcome: "existing"; record: IdempotencyRecord };

/** Layer-1 HTTP idempotency records. */
export interface IdempotencyStore {
  /**
   * Inserts a `pending` record if none exists under `recordKey`, or takes over a pending
   * record whose lease expired (`now >= leaseExpiresAt`, compare-and-set). Otherwise resolves
   * to the existing record.
   */
  claimIdempotencyKey(record: IdempotencyRecord, now: number): Promise<IdempotencyClaim>;
  getIdempotencyRecord(recordKey: string): Promise<IdempotencyRecord | null>;
  /** Stores the final response of a pending record. */
  completeIdempotencyKey(recordKey: string, response: IdempotentResponse): Promise<void>;
  /** Deletes a pending record whose outcome must not be cached (4xx auth/validation, 429, 5xx). */
  releaseIdempotencyKey(recordKey: string): Promise<void>;
  /** Deletes records created before `createdBefore`; resolves to how many were deleted. */
  purgeIdempotencyRecords(createdBefore: string): Promise<number>;
}

/** What {@link KeyStore.syncConfiguredKeys} did. */
export interface ConfiguredKeysSync {
  /** Keys that were already stored under the same hash, left exactly as they were. */
  kept: ApiKeyRecord[];
  created: ApiKeyRecord[];
  /** Unrevoked keys of the origin that were not among the configured ones, now revoked. */
  revoked: ApiKeyRecord[];
}

/** Why {@link KeyStore.rotateApiKey} did not rotate. */
export type RotationRefusal = "missing" | "revoked" | "expired" | "rotated";

/**
 * Hashed bearer keys: issue, look up, rotate with an overlap, revoke; plus their use and
 * the authentication failures hosts count against them. Every read and write that names a
 * key by id is scoped to a tenant inside the query.
 */
export interface KeyStore {
  /** Inserts a key; `StorageConflictError("key-exists")` when its id or hash is taken. */
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key with this hash, in any tenant (authentication); null when there is none. */
  findApiKey(keyHash: string): Promise<ApiKeyRecord | null>;
  getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | null>;
  /** The tenant's keys, newest first (`createdAt`, then `keyId`, descending), after `after`. */
  listApiKeys(tenantId: string, options: { limit: number; after?: ApiKeyCursor }): Promise<ApiKeyRecord[]>;
  /**
   * In one transaction: inserts `successor`, and ends the key's life at `graceUntil` (its
   * `expiresAt` becomes the earlier of the two), with `rotatedAt` = `at` and `replacedBy`;
   * `rotated` is that key as now stored. Refused, changing nothing, when the key is missing
   * in the tenant, revoked, expired at `at` (`expiresAt <= at`), or already rotated, checked
   * in that order (the order a key's status is derived in).
   */
  rotateApiKey(
    tenantId: string,
    keyId: string,
    successor: ApiKeyRecord,
    graceUntil: string,
    at: string,
  ): Promise<{ rotated: ApiKeyRecord } | { refused: RotationRefusal }>;
  /**
   * Sets `revokedAt` (keeping an earlier one); resolves to the key as now stored, or null
   * when the tenant has no such key.
   */
  revokeApiKey(tenantId: string, keyId: string, at: string): Promise<ApiKeyRecord | null>;
  /**
   * Makes the keys a host is configured with present, in one transaction: a configured key
   * already stored under its hash is kept as it is (a revoked one stays revoked) and takes
   * `origin`; a missing one is inserted; every other unrevoked key of `origin` is revoked at
   * `at`. So removing a key from the configuration retires it, and at most one bootstrap key
   * is valid at a time.
   */
  syncConfiguredKeys(
    origin: Exclude<ApiKeyOrigin, "api">,
    keys: ApiKeyRecord[],
    at: string,
  ): Promise<ConfiguredKeysSync>;
  /** Raises `lastUsedAt` to each given instant (never lowers it). Unknown ids are ignored. */
  recordKeyUse(uses: ReadonlyArray<{ keyId: string; usedAt: string }>): Promise<void>;
  /**
   * A value that changes whenever any process creates, rotates or revokes a key on this
   * storage. Cheap to read: authenticators poll it to drop cached keys.
   */
  keyStateVersion(): Promise<string>;
  /** Per tenant: active keys expiring before `expiringBefore`, last rotation and revocation. */
  keyStats(now: string, expiringBefore: string): Promise<TenantKeyStats[]>;
  /** Adds the counts to those stored for the same tenant, reason, prefix and route. */
  recordAuthFailures(failures: readonly AuthFailureCount[]): Promise<void>;
  /** The tenant's failures last seen at or after `since`. */
  listAuthFailures(tenantId: string, since: string): Promise<AuthFailureCount[]>;
  /** Deletes failures last seen before `before`; resolves to how many groups were deleted. */
  purgeAuthFailures(before: string): Promise<number>;
}

/** How an attempt ended, as the dispatcher reports it to {@link WebhookStore.recordAttempt}. */
export interface AttemptOutcome {
  deliveryId: string;
  /** The dispatcher's holder id: the outcome is applied to the delivery only while it holds the lease. */
  holderId: string;
  attempt: Omit<WebhookAttemptRecord, "deliveryId" | "attempt">;
  /**
   * `delivered`; `retry` with when the next attempt is due; or `dead_letter` when the budget is
   * spent. The dispatcher decides; the adapter applies it.
   */
  result: { kind: "delivered" } | { kind: "retry"; nextAttemptAt: string } | { kind: "dead_letter" };
  /** The subscription's circuit: open it until this instant after this failure (circuit breaker). */
  circuit: { openAfterFailures: number; openUntil: string };
  /** The rolling failure budget of webhooks.md §8.2: the subscription becomes `failed` past it. */
  failureBudget: { failures: number; windowMs: number };
  now: string;
}

/** Filters of {@link WebhookStore.listDeliveries}. */
export interface DeliveryFilter {
  status?: DeliveryStatus;
  runId?: string;
  eventType?: string;
  limit: number;
  after?: CreatedCursor;
}

/** Which dead letters {@link WebhookStore.replayDeadLetters} requeues. */
export interface DeadLetterSelection {
  /** Created at or after. */
  since?: string;
  /** Created before. */
  until?: string;
  eventTypes?: string[];
  limit: number;
}

/** What the delivery metrics read (webhooks.md §13; `/metrics`). */
export interface DeliveryStats {
  /** Deliveries waiting to be attempted (`pending` and `failed`). */
  waiting: number;
  /** The creation time of the oldest waiting delivery. */
  oldestWaitingAt: string | null;
  deadLettered: number;
  /** Subscriptions whose circuit is open at the instant asked about. */
  openCircuits: number;
}

/**
 * Webhook subscriptions, their deliveries and attempts, and the tenant event feed
 * (webhooks.md §12–§15, storage-adapters.md §15). Delivery records are not created through
 * this interface: `createRun` and `commitStep` write them with the events they deliver, in
 * the same transaction, one per event and subscription of the run's tenant whose `events`
 * contain the event's type and whose `tags` are empty or meet the run's (whatever the
 * subscription's status). Each starts `pending` with no attempts, created and due at its
 * event's `timestamp`, with the event's feed position; a step that fails records none.
 */
export interface WebhookStore {
  /** Inserts a subscription; `StorageConflictError("webhook-exists")` when the id is taken. */
  createSubscription(subscription: WebhookSubscriptionRecord): Promise<void>;
  getSubscription(tenantId: string, webhookId: string): Promise<WebhookSubscriptionRecord | null>;
  /** The tenant's subscriptions, newest first (`createdAt`, then `webhookId`, descending), after `after`. */
  listSubscriptions(
    tenantId: string,
    options: { limit: number; after?: CreatedCursor },
  ): Promise<WebhookSubscriptionRecord[]>;
  /**
   * Sets `active` or `paused` (a `failed` subscription stays failed); resolves to the record as
   * now stored, or null when the tenant has no such subscription. Setting `active` also closes
   * the circuit: `consecutiveFailures` 0 and `circuitOpenUntil` null (webhooks.md §12.3), so an
   * operator's resume is tried at once; the failure window is kept.
   */
  setSubscriptionStatus(
    tenantId: string,
    webhookId: string,
    status: Exclude<WebhookStatus, "failed">,
    at: string,
  ): Promise<WebhookSubscriptionRecord | null>;
  /** Removes the subscription with its deliveries and their attempts; false when the tenant has none such. */
  deleteSubscription(tenantId: string, webhookId: string): Promise<boolean>;

  /**
   * Leases up to `limit` due deliveries to `holderId` until `now + leaseMs`: `pending` or
   * `failed`, `nextAttemptAt <= now`, unleased or with an expired lease, of an `active`
   * subscription whose circuit is not open at `now`. Earliest due first. Concurrent callers
   * never receive the same delivery while its lease lasts.
   */
  claimDueDeliveries(holderId: string, now: number, leaseMs: number, limit: number): Promise<WebhookDeliveryRecord[]>;
  /**
   * In one transaction: appends the attempt (numbered `totalAttempts + 1`; `totalAttempts`
   * counts it), and — while `holderId` still holds the delivery's lease — applies the result
   * to the delivery (a failed attempt counts against `attempts` and sets `lastError` to its
   * error, or `HTTP <statusCode>`; the lease is cleared) and to its subscription's circuit,
   * relative to the stored counters: a delivered attempt resets `consecutiveFailures` and
   * closes the circuit (leaving the subscription untouched, `updatedAt` included, when both
   * already are, so concurrent deliveries to one receiver do not all write its row); a failed one counts, opens the circuit at `openAfterFailures` in a
   * row, and marks the subscription `failed` once `failures` fell within the rolling window
   * (a window older than `windowMs` restarts at `now`). The lease is checked against the
   * stored holder, not the clock, as run claims are: a lapsed lease nobody took over still
   * holds. Resolves to false, changing only the attempt log, when the lease was lost, and to
   * false, recording nothing, when the delivery no longer exists.
   */
  recordAttempt(outcome: AttemptOutcome): Promise<boolean>;
  /** Clears every lease of `holderId` (a process stopping), so peers attempt those deliveries at once. */
  releaseDeliveries(holderId: string): Promise<void>;
  listDeliveries(tenantId: string, webhookId: string, filter: DeliveryFilter): Promise<WebhookDeliveryRecord[]>;
  /** The delivery with its attempts, oldest attempt first; null when the tenant's subscription has no such delivery. */
  getDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] } | null>;
  /**
   * Makes the delivery `pending`, due at `at`, with `attempts` 0 and no lease, whatever its
   * state (its attempt log, `totalAttempts`, `deliveredAt` and `lastError` stay); null when missing.
   */
  replayDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
    at: string,
  ): Promise<WebhookDeliveryRecord | null>;
  /** Requeues dead letters as {@link replayDelivery} does, oldest first; resolves to how many. */
  replayDeadLetters(tenantId: string, webhookId: string, selection: DeadLetterSelection, at: string): Promise<number>;
  /**
   * Calls `listener` when deliveries were recorded, released, or became due by a replay or
   * resume (a hint to claim).
   */
  watchDeliveries(listener: () => void): Unsubscribe;
  deliveryStats(now: number): Promise<DeliveryStats>;

  /**
   * The tenant's events after `after` (a position from an earlier entry; from the start when
   * absent), optionally only of `types`, at most `limit`. The order is consistent with each
   * run's sequence, and an event never becomes visible behind a position a reader has
   * already been given (storage-adapters.md §15). A position stays valid after retention
   * removed its event. A malformed position (one this adapter cannot have issued) rejects
   * with a `RangeError`.
   */
  readFeed(
    tenantId: string,
    options: { after?: string; types?: readonly string[]; limit: number },
  ): Promise<FeedEntry[]>;
  /** Calls `listener` when events were appended to any run (a hint to read the feed again). */
  watchFeed(listener: () => void): Unsubscribe;
}

/** Retention: deleting expired terminal runs and remembering that they existed. */
export interface RetentionStore {
  /**
   * Deletes up to `limit` terminal runs completed before `completedBefore`, with their
   * events and suspensions, leaving a tombstone each. Resolves to the run ids expired.
   */
  expireRuns(completedBefore: string, limit: number, expiredAt: string): Promise<string[]>;
  /** Expires one run now, whatever its age (the conformance force-expire seam); only the tenant's run when given. */
  expireRun(runId: string, expiredAt: string, tenantId?: string): Promise<boolean>;
  /** The run's tombstone; with `tenantId`, only when the run was that tenant's. */
  getTombstone(runId: string, tenantId?: string): Promise<RunTombstone | null>;
}

/**
 * A storage adapter: every store of the SPI over one backend, plus lifecycle.
 * Adapters depend on this package only, never on the engine.
 */
export interface StorageAdapter extends RunStore, ClaimStore, IdempotencyStore, KeyStore, WebhookStore, RetentionStore {
  /** Human-readable backend name, e.g. `sqlite`. */
  readonly name: string;
  /** The storage SPI versions this adapter implements, e.g. `^1.0.0`. */
  readonly spiVersionRange: string;
  /** Whether runs survive a process restart (the in-memory adapter says false). */
  readonly durable: boolean;
  /**
   * Resolves when the backend answers a trivial query and can be expected to take writes;
   * rejects with `StorageUnavailableError` otherwise. Readiness probes use it, so a backend that
   * still reads but refuses writes (read-only, a full disk the adapter has met) rejects too.
   */
  ping(): Promise<void>;
  /** Releases connections and watchers. Further calls reject. */
  close(): Promise<void>;
}
