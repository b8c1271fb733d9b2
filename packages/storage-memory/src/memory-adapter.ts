import { randomUUID } from "node:crypto";
import type {
  ApiKeyCursor,
  ApiKeyOrigin,
  ApiKeyRecord,
  AttemptOutcome,
  AuthFailureCount,
  ConfiguredKeysSync,
  CreatedCursor,
  DeadLetterSelection,
  DeliveryFilter,
  DeliveryStats,
  FeedEntry,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotentResponse,
  ListSuspensionsOptions,
  ReadEventsOptions,
  RunClaim,
  RunCreation,
  RunEvent,
  RunListQuery,
  RunRecord,
  RunStatus,
  RunStep,
  RunSummary,
  RotationRefusal,
  RunTombstone,
  StorageAdapter,
  SuspensionRecord,
  TenantKeyStats,
  Unsubscribe,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import { StorageConflictError, StorageUnavailableError } from "@openwop/storage";
import { isTerminalStatus } from "@openwop/types";
import { applyStep } from "./apply-step.js";
import { CLAIMABLE_STATUSES, isClaimable, isExpired } from "./claim-rules.js";
import { copy } from "./copy.js";
import { listRunSummaries } from "./list-runs.js";
import { MemoryKeys } from "./memory-keys.js";
import { MemoryState, parsePosition, type StoredRun } from "./memory-state.js";
import { MemoryWebhooks } from "./memory-webhooks.js";
import { KeyedNotifier, Notifier } from "@openwop/storage";

const DEFAULT_READ_LIMIT = 100;

/**
 * Every store of the SPI over plain maps. Each method runs to completion without
 * yielding, which is what makes steps, CAS claims and insert-if-absent atomic here.
 */
class MemoryAdapter implements StorageAdapter {
  readonly name = "memory";
  readonly spiVersionRange = "^3.0.0";
  readonly durable = false;

  readonly #state = new MemoryState();
  readonly #keys = new MemoryKeys();
  readonly #webhooks = new MemoryWebhooks();
  readonly #eventWatchers = new KeyedNotifier<[lastSequence: number]>();
  readonly #workWatchers = new Notifier<[]>();
  readonly #deliveryWatchers = new Notifier<[]>();
  readonly #feedWatchers = new Notifier<[]>();
  #closed = false;

  async createRun(creation: RunCreation): Promise<RunEvent[]> {
    this.#assertOpen();
    const { run, events = [], idempotency } = creation;
    if (idempotency && this.#state.idempotency.has(idempotency.recordKey)) {
      throw new StorageConflictError(
        `idempotency key ${idempotency.recordKey} is already recorded`,
        "idempotency-exists",
      );
    }
    if (this.#state.runs.has(run.runId)) {
      throw new StorageConflictError(`run ${run.runId} already exists`, "run-exists");
    }
    const appended = events.map(
      (event, sequence): RunEvent => ({ ...copy(event), eventId: randomUUID(), runId: run.runId, sequence }),
    );
    const stored: StoredRun = {
      record: { ...copy(run), claim: null, lastSequence: appended.length - 1 },
      claimEpoch: 0,
      events: appended,
      positions: [],
      suspensions: new Map(),
    };
    this.#state.runs.set(run.runId, stored);
    const deliveries = this.#webhooks.record(stored.record, appended, this.#state.placeInFeed(stored, appended));
    if (idempotency) {
      this.#state.idempotency.set(idempotency.recordKey, {
        ...copy(idempotency),
        state: "completed",
        // A completed record has no lease; 0 says "long expired" without a null in a number field.
        leaseExpiresAt: 0,
      });
    }
    if (appended.length > 0) this.#eventWatchers.notify(run.runId, appended.length - 1);
    this.#workWatchers.notify();
    if (appended.length > 0) this.#feedWatchers.notify();
    if (deliveries > 0) this.#deliveryWatchers.notify();
    return copy(appended);
  }

  async getRun(runId: string, tenantId?: string): Promise<RunRecord | null> {
    this.#assertOpen();
    const stored = this.#state.runOf(runId, tenantId);
    return stored ? copy(stored.record) : null;
  }

  async listRuns(query: RunListQuery): Promise<RunSummary[]> {
    this.#assertOpen();
    return listRunSummaries(
      [...this.#state.runs.values()].map((stored) => stored.record),
      query,
    );
  }

  async commitStep(step: RunStep): Promise<RunEvent[]> {
    this.#assertOpen();
    const { events: appended, deliveries } = applyStep(this.#state, this.#webhooks, step);
    const run = this.#state.runs.get(step.runId)?.record;
    if (appended.length > 0 && run) this.#eventWatchers.notify(step.runId, run.lastSequence);
    if (run && (step.releaseClaim || (step.patch?.status !== undefined && CLAIMABLE_STATUSES.has(step.patch.status)))) {
      this.#workWatchers.notify();
    }
    if (appended.length > 0) this.#feedWatchers.notify();
    if (deliveries > 0) this.#deliveryWatchers.notify();
    return appended;
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<RunEvent[]> {
    this.#assertOpen();
    const events = this.#state.runOf(runId, options.tenantId)?.events ?? [];
    const from = Math.max(0, options.fromSequence ?? 0);
    const limit = options.limit ?? DEFAULT_READ_LIMIT;
    // Sequences are gapless from 0, so a sequence is also the event's index in the log.
    return copy(events.slice(from, from + Math.max(0, limit)));
  }

  async latestEvent(runId: string): Promise<RunEvent | null> {
    this.#assertOpen();
    const events = this.#state.runs.get(runId)?.events ?? [];
    const last = events[events.length - 1];
    return last ? copy(last) : null;
  }

  watchEvents(runId: string, listener: (lastSequence: number) => void): Unsubscribe {
    this.#assertOpen();
    return this.#eventWatchers.add(runId, listener);
  }

  async listSuspensions(runId: string, options: ListSuspensionsOptions = {}): Promise<SuspensionRecord[]> {
    this.#assertOpen();
    const { status, tenantId } = options;
    const suspensions = [...(this.#state.runOf(runId, tenantId)?.suspensions.values() ?? [])];
    return copy(suspensions.filter((suspension) => status === undefined || suspension.status === status));
  }

  async claimRun(runId: string, holderId: string, ttlMs: number, now: number): Promise<RunClaim | null> {
    this.#assertOpen();
    const stored = this.#state.runs.get(runId);
    if (!stored || !isClaimable(stored.record, now)) return null;
    stored.claimEpoch += 1;
    const claim: RunClaim = { holderId, expiresAt: now + ttlMs, epoch: stored.claimEpoch };
    stored.record.claim = claim;
    return { ...claim };
  }

  async renewClaims(holderId: string, ttlMs: number, now: number): Promise<string[]> {
    this.#assertOpen();
    const renewed: string[] = [];
    for (const { record } of this.#state.runs.values()) {
      if (record.claim?.holderId !== holderId) continue;
      record.claim.expiresAt = now + ttlMs;
      renewed.push(record.runId);
    }
    return renewed;
  }

  async releaseClaims(holderId: string, runIds?: string[]): Promise<void> {
    this.#assertOpen();
    const candidates: Iterable<StoredRun | undefined> = runIds
      ? runIds.map((runId) => this.#state.runs.get(runId))
      : this.#state.runs.values();
    let released = false;
    for (const stored of candidates) {
      if (stored?.record.claim?.holderId !== holderId) continue;
      stored.record.claim = null;
      released = true;
    }
    if (released) this.#workWatchers.notify();
  }

  async listClaimableRuns(now: number, limit: number): Promise<string[]> {
    this.#assertOpen();
    return [...this.#state.runs.values()]
      .map((stored) => stored.record)
      .filter((run) => isClaimable(run, now))
      .sort((a, b) => compareStrings(a.createdAt, b.createdAt) || compareStrings(a.runId, b.runId))
      .slice(0, Math.max(0, limit))
      .map((run) => run.runId);
  }

  watchWork(listener: () => void): Unsubscribe {
    this.#assertOpen();
    return this.#workWatchers.add(listener);
  }

  async countRunsByStatus(): Promise<Partial<Record<RunStatus, number>>> {
    this.#assertOpen();
    const counts: Partial<Record<RunStatus, number>> = {};
    for (const { record } of this.#state.runs.values()) counts[record.status] = (counts[record.status] ?? 0) + 1;
    return counts;
  }

  async claimIdempotencyKey(record: IdempotencyRecord, now: number): Promise<IdempotencyClaim> {
    this.#assertOpen();
    const existing = this.#state.idempotency.get(record.recordKey);
    if (existing && !(existing.state === "pending" && isExpired(existing.leaseExpiresAt, now))) {
      return { outcome: "existing", record: copy(existing) };
    }
    this.#state.idempotency.set(record.recordKey, copy(record));
    return { outcome: "claimed", record: copy(record) };
  }

  async getIdempotencyRecord(recordKey: string): Promise<IdempotencyRecord | null> {
    this.#assertOpen();
    const record = this.#state.idempotency.get(recordKey);
    return record ? copy(record) : null;
  }

  async completeIdempotencyKey(recordKey: string, response: IdempotentResponse): Promise<void> {
    this.#assertOpen();
    const record = this.#state.idempotency.get(recordKey);
    if (record?.state !== "pending") return;
    record.state = "completed";
    record.response = copy(response);
  }

  async releaseIdempotencyKey(recordKey: string): Promise<void> {
    this.#assertOpen();
    if (this.#state.idempotency.get(recordKey)?.state === "pending") this.#state.idempotency.delete(recordKey);
  }

  async purgeIdempotencyRecords(createdBefore: string): Promise<number> {
    this.#assertOpen();
    let purged = 0;
    for (const [recordKey, record] of this.#state.idempotency) {
      if (record.createdAt < createdBefore) {
        this.#state.idempotency.delete(recordKey);
        purged += 1;
      }
    }
    return purged;
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    this.#assertOpen();
    this.#keys.create(key);
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | null> {
    this.#assertOpen();
    return this.#keys.find(keyHash);
  }

  async getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | null> {
    this.#assertOpen();
    return this.#keys.get(tenantId, keyId);
  }

  async listApiKeys(tenantId: string, options: { limit: number; after?: ApiKeyCursor }): Promise<ApiKeyRecord[]> {
    this.#assertOpen();
    return this.#keys.list(tenantId, options.limit, options.after);
  }

  async rotateApiKey(
    tenantId: string,
    keyId: string,
    successor: ApiKeyRecord,
    graceUntil: string,
    at: string,
  ): Promise<{ rotated: ApiKeyRecord } | { refused: RotationRefusal }> {
    this.#assertOpen();
    return this.#keys.rotate(tenantId, keyId, successor, graceUntil, at);
  }

  async revokeApiKey(tenantId: string, keyId: string, at: string): Promise<ApiKeyRecord | null> {
    this.#assertOpen();
    return this.#keys.revoke(tenantId, keyId, at);
  }

  async syncConfiguredKeys(
    origin: Exclude<ApiKeyOrigin, "api">,
    keys: ApiKeyRecord[],
    at: string,
  ): Promise<ConfiguredKeysSync> {
    this.#assertOpen();
    return this.#keys.syncConfigured(origin, keys, at);
  }

  async recordKeyUse(uses: ReadonlyArray<{ keyId: string; usedAt: string }>): Promise<void> {
    this.#assertOpen();
    this.#keys.recordUse(uses);
  }

  async keyStateVersion(): Promise<string> {
    this.#assertOpen();
    return this.#keys.version();
  }

  async keyStats(now: string, expiringBefore: string): Promise<TenantKeyStats[]> {
    this.#assertOpen();
    return this.#keys.stats(now, expiringBefore);
  }

  async recordAuthFailures(failures: readonly AuthFailureCount[]): Promise<void> {
    this.#assertOpen();
    this.#keys.recordFailures(failures);
  }

  async listAuthFailures(tenantId: string, since: string): Promise<AuthFailureCount[]> {
    this.#assertOpen();
    return this.#keys.listFailures(tenantId, since);
  }

  async purgeAuthFailures(before: string): Promise<number> {
    this.#assertOpen();
    return this.#keys.purgeFailures(before);
  }

  async createSubscription(subscription: WebhookSubscriptionRecord): Promise<void> {
    this.#assertOpen();
    this.#webhooks.createSubscription(subscription);
  }

  async getSubscription(tenantId: string, webhookId: string): Promise<WebhookSubscriptionRecord | null> {
    this.#assertOpen();
    return this.#webhooks.getSubscription(tenantId, webhookId);
  }

  async listSubscriptions(
    tenantId: string,
    options: { limit: number; after?: CreatedCursor },
  ): Promise<WebhookSubscriptionRecord[]> {
    this.#assertOpen();
    return this.#webhooks.listSubscriptions(tenantId, options.limit, options.after);
  }

  async setSubscriptionStatus(
    tenantId: string,
    webhookId: string,
    status: Exclude<WebhookStatus, "failed">,
    at: string,
  ): Promise<WebhookSubscriptionRecord | null> {
    this.#assertOpen();
    const outcome = this.#webhooks.setStatus(tenantId, webhookId, status, at);
    if (outcome?.resumed) this.#deliveryWatchers.notify();
    return outcome?.record ?? null;
  }

  async deleteSubscription(tenantId: string, webhookId: string): Promise<boolean> {
    this.#assertOpen();
    return this.#webhooks.deleteSubscription(tenantId, webhookId);
  }

  async claimDueDeliveries(
    holderId: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<WebhookDeliveryRecord[]> {
    this.#assertOpen();
    return this.#webhooks.claim(holderId, now, leaseMs, limit);
  }

  async recordAttempt(outcome: AttemptOutcome): Promise<boolean> {
    this.#assertOpen();
    return this.#webhooks.recordAttempt(outcome);
  }

  async releaseDeliveries(holderId: string): Promise<void> {
    this.#assertOpen();
    if (this.#webhooks.release(holderId)) this.#deliveryWatchers.notify();
  }

  async listDeliveries(tenantId: string, webhookId: string, filter: DeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    this.#assertOpen();
    return this.#webhooks.listDeliveries(tenantId, webhookId, filter);
  }

  async getDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] } | null> {
    this.#assertOpen();
    return this.#webhooks.getDelivery(tenantId, webhookId, deliveryId);
  }

  async replayDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
    at: string,
  ): Promise<WebhookDeliveryRecord | null> {
    this.#assertOpen();
    const replayed = this.#webhooks.replay(tenantId, webhookId, deliveryId, at);
    if (replayed) this.#deliveryWatchers.notify();
    return replayed;
  }

  async replayDeadLetters(
    tenantId: string,
    webhookId: string,
    selection: DeadLetterSelection,
    at: string,
  ): Promise<number> {
    this.#assertOpen();
    const requeued = this.#webhooks.replayDeadLetters(tenantId, webhookId, selection, at);
    if (requeued > 0) this.#deliveryWatchers.notify();
    return requeued;
  }

  watchDeliveries(listener: () => void): Unsubscribe {
    this.#assertOpen();
    return this.#deliveryWatchers.add(listener);
  }

  async deliveryStats(now: number): Promise<DeliveryStats> {
    this.#assertOpen();
    return this.#webhooks.stats(now);
  }

  async readFeed(
    tenantId: string,
    options: { after?: string; types?: readonly string[]; limit: number },
  ): Promise<FeedEntry[]> {
    this.#assertOpen();
    const after = options.after === undefined ? 0 : parsePosition(options.after);
    const types = options.types === undefined ? null : new Set(options.types);
    return this.#state.readFeed(tenantId, after, types, Math.max(0, options.limit));
  }

  watchFeed(listener: () => void): Unsubscribe {
    this.#assertOpen();
    return this.#feedWatchers.add(listener);
  }

  async expireRuns(completedBefore: string, limit: number, expiredAt: string): Promise<string[]> {
    this.#assertOpen();
    const expirable = [...this.#state.runs.values()]
      .map((stored) => stored.record)
      .filter((run) => isTerminalStatus(run.status) && run.completedAt !== null && run.completedAt < completedBefore)
      .sort((a, b) => compareStrings(a.completedAt ?? "", b.completedAt ?? "") || compareStrings(a.runId, b.runId))
      .slice(0, Math.max(0, limit));
    for (const run of expirable) this.#expire(run.runId, expiredAt);
    return expirable.map((run) => run.runId);
  }

  async expireRun(runId: string, expiredAt: string, tenantId?: string): Promise<boolean> {
    this.#assertOpen();
    if (!this.#state.runOf(runId, tenantId)) return false;
    return this.#expire(runId, expiredAt);
  }

  async getTombstone(runId: string, tenantId?: string): Promise<RunTombstone | null> {
    this.#assertOpen();
    const tombstone = this.#state.tombstones.get(runId);
    return tombstone && (tenantId === undefined || tombstone.tenantId === tenantId) ? copy(tombstone) : null;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#assertOpen();
    this.#closed = true;
    this.#eventWatchers.clear();
    this.#workWatchers.clear();
    this.#deliveryWatchers.clear();
    this.#feedWatchers.clear();
  }

  #expire(runId: string, expiredAt: string): boolean {
    const stored = this.#state.deleteRun(runId);
    if (!stored) return false;
    this.#webhooks.forgetRun(runId);
    this.#state.tombstones.set(runId, { runId, tenantId: stored.record.tenantId, expiredAt });
    return true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageUnavailableError("the memory storage adapter is closed");
  }
}

/** Orders ISO-8601 timestamps and ids by code unit, like SQL `ORDER BY` on text does. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An in-process storage adapter for development and tests. Nothing survives the
 * process (`durable: false`), so a host on it must never claim the production profile.
 *
 * @example
 * const storage = createMemoryAdapter();
 * await storage.createRun({ run, events: [] });
 */
export function createMemoryAdapter(): StorageAdapter {
  return new MemoryAdapter();
}
