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
import { RecentEvents, ReleasedClaims, StorageUnavailableError } from "@openwop/storage";
import * as claims from "./claims.js";
import { commitStep } from "./commit-step.js";
import { createRun } from "./create-run.js";
import { listRuns } from "./list-runs.js";
import type { Database } from "./database.js";
import * as feed from "./feed.js";
import * as idempotency from "./idempotency.js";
import * as keys from "./keys.js";
import type { NotificationHub } from "./notification-hub.js";
import { OutboxRoutes } from "./outbox.js";
import * as reads from "./run-reads.js";
import * as retention from "./retention.js";
import * as webhooks from "./webhooks.js";

/**
 * The SPI over one pool and one listening connection. Each method is one statement or
 * one transaction (see the module it delegates to); this class only adds the local
 * fan-out of our own commits, so watchers in this process hear of them at once rather
 * than after the NOTIFY's trip through the server (which still reaches other processes).
 */
export class PostgresStorageAdapter implements StorageAdapter {
  readonly name = "postgres";
  readonly spiVersionRange = "^3.0.0";
  readonly durable = true;
  readonly #database: Database;
  readonly #hub: NotificationHub;
  readonly #releasedInSteps = new ReleasedClaims();
  readonly #recentEvents = new RecentEvents();
  /** Which form of the appending statements to try first (see outbox.ts). */
  readonly #outboxRoutes = new OutboxRoutes();
  #closing: Promise<void> | null = null;

  constructor(database: Database, hub: NotificationHub) {
    this.#database = database;
    this.#hub = hub;
  }

  async createRun(creation: RunCreation): Promise<RunEvent[]> {
    const { events: appended, deliveries } = await createRun(this.#database, this.#outboxRoutes, creation);
    if (appended.length > 0) this.#hub.notifyEvents(creation.run.runId, appended.length - 1);
    this.#hub.notifyWork();
    if (appended.length > 0) this.#hub.notifyFeed();
    if (deliveries > 0) this.#hub.notifyDeliveries();
    return appended;
  }

  async getRun(runId: string, tenantId?: string): Promise<RunRecord | null> {
    const run = await reads.getRun(this.#database, runId, tenantId);
    if (run && tenantId !== undefined) this.#noteTenant(runId, tenantId);
    return run;
  }

  async listRuns(query: RunListQuery): Promise<RunSummary[]> {
    return listRuns(this.#database, query);
  }

  async commitStep(step: RunStep): Promise<RunEvent[]> {
    const { events: appended, deliveries } = await commitStep(this.#database, this.#outboxRoutes, step);
    if (step.releaseClaim) this.#releasedInSteps.released(step.runId);
    // Before announcing: the watchers' reads that the announcement triggers find them here.
    if (appended.length > 0 && this.#hub.hasEventWatchers(step.runId)) this.#recentEvents.record(step.runId, appended);
    const last = appended.at(-1);
    if (last) this.#hub.notifyEvents(step.runId, last.sequence);
    // The exact "became claimable" test runs in SQL for the NOTIFY; locally a spare
    // wake-up is cheaper than a read, and watchers must tolerate them anyway.
    if (step.releaseClaim || step.patch?.status !== undefined) this.#hub.notifyWork();
    if (last) this.#hub.notifyFeed();
    if (deliveries > 0) this.#hub.notifyDeliveries();
    return appended;
  }

  async readEvents(runId: string, options?: ReadEventsOptions): Promise<RunEvent[]> {
    const fromSequence = Math.max(0, Math.floor(options?.fromSequence ?? 0));
    const limit = Math.max(0, Math.floor(options?.limit ?? reads.DEFAULT_READ_LIMIT));
    const tenantId = options?.tenantId;
    // Scoped reads are answered from memory only for a run a scoped query showed to be the tenant's.
    const recent = this.#recentEvents.read(runId, fromSequence, limit, tenantId);
    if (recent) return recent;
    if (tenantId === undefined) return reads.readEvents(this.#database, runId, { fromSequence, limit });
    const events = await reads.readEvents(this.#database, runId, { fromSequence, limit, tenantId });
    if (events.length > 0) this.#noteTenant(runId, tenantId);
    return events;
  }

  latestEvent(runId: string): Promise<RunEvent | null> {
    return reads.latestEvent(this.#database, runId);
  }

  watchEvents(runId: string, listener: (lastSequence: number) => void): Unsubscribe {
    const stop = this.#hub.watchEvents(runId, listener);
    return () => {
      stop();
      if (!this.#hub.hasEventWatchers(runId)) this.#recentEvents.forget(runId);
    };
  }

  listSuspensions(runId: string, options?: ListSuspensionsOptions): Promise<SuspensionRecord[]> {
    return reads.listSuspensions(this.#database, runId, options);
  }

  async claimRun(runId: string, holderId: string, ttlMs: number, now: number): Promise<RunClaim | null> {
    // Forgotten before the claim, not after: a claim whose outcome is unknown may have landed.
    this.#releasedInSteps.claimed(runId);
    return claims.claimRun(this.#database, runId, holderId, ttlMs, now);
  }

  renewClaims(holderId: string, ttlMs: number, now: number): Promise<string[]> {
    return claims.renewClaims(this.#database, holderId, ttlMs, now);
  }

  async releaseClaims(holderId: string, runIds?: string[]): Promise<void> {
    const held = runIds === undefined ? undefined : this.#releasedInSteps.stillHeld(runIds);
    // Every named run was released by its own last step already: nothing to write, nothing new to announce.
    if (held !== undefined && held.length === 0 && runIds !== undefined && runIds.length > 0) return;
    await claims.releaseClaims(this.#database, holderId, held);
    this.#hub.notifyWork();
  }

  listClaimableRuns(now: number, limit: number): Promise<string[]> {
    return claims.listClaimableRuns(this.#database, now, limit);
  }

  watchWork(listener: () => void): Unsubscribe {
    return this.#hub.watchWork(listener);
  }

  countRunsByStatus(): Promise<Partial<Record<RunStatus, number>>> {
    return claims.countRunsByStatus(this.#database);
  }

  claimIdempotencyKey(record: IdempotencyRecord, now: number): Promise<IdempotencyClaim> {
    return idempotency.claimIdempotencyKey(this.#database, record, now);
  }

  getIdempotencyRecord(recordKey: string): Promise<IdempotencyRecord | null> {
    return idempotency.getIdempotencyRecord(this.#database, recordKey);
  }

  completeIdempotencyKey(recordKey: string, response: IdempotentResponse): Promise<void> {
    return idempotency.completeIdempotencyKey(this.#database, recordKey, response);
  }

  releaseIdempotencyKey(recordKey: string): Promise<void> {
    return idempotency.releaseIdempotencyKey(this.#database, recordKey);
  }

  purgeIdempotencyRecords(createdBefore: string): Promise<number> {
    return idempotency.purgeIdempotencyRecords(this.#database, createdBefore);
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return keys.createApiKey(this.#database, key);
  }

  findApiKey(keyHash: string): Promise<ApiKeyRecord | null> {
    return keys.findApiKey(this.#database, keyHash);
  }

  getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | null> {
    return keys.getApiKey(this.#database, tenantId, keyId);
  }

  listApiKeys(tenantId: string, options: { limit: number; after?: ApiKeyCursor }): Promise<ApiKeyRecord[]> {
    return keys.listApiKeys(this.#database, tenantId, options);
  }

  rotateApiKey(
    tenantId: string,
    keyId: string,
    successor: ApiKeyRecord,
    graceUntil: string,
    at: string,
  ): Promise<{ rotated: ApiKeyRecord } | { refused: RotationRefusal }> {
    return keys.rotateApiKey(this.#database, tenantId, keyId, successor, graceUntil, at);
  }

  revokeApiKey(tenantId: string, keyId: string, at: string): Promise<ApiKeyRecord | null> {
    return keys.revokeApiKey(this.#database, tenantId, keyId, at);
  }

  syncConfiguredKeys(
    origin: Exclude<ApiKeyOrigin, "api">,
    configured: ApiKeyRecord[],
    at: string,
  ): Promise<ConfiguredKeysSync> {
    return keys.syncConfiguredKeys(this.#database, origin, configured, at);
  }

  recordKeyUse(uses: ReadonlyArray<{ keyId: string; usedAt: string }>): Promise<void> {
    return keys.recordKeyUse(this.#database, uses);
  }

  keyStateVersion(): Promise<string> {
    return keys.keyStateVersion(this.#database);
  }

  keyStats(now: string, expiringBefore: string): Promise<TenantKeyStats[]> {
    return keys.keyStats(this.#database, now, expiringBefore);
  }

  recordAuthFailures(failures: readonly AuthFailureCount[]): Promise<void> {
    return keys.recordAuthFailures(this.#database, failures);
  }

  listAuthFailures(tenantId: string, since: string): Promise<AuthFailureCount[]> {
    return keys.listAuthFailures(this.#database, tenantId, since);
  }

  purgeAuthFailures(before: string): Promise<number> {
    return keys.purgeAuthFailures(this.#database, before);
  }

  createSubscription(subscription: WebhookSubscriptionRecord): Promise<void> {
    return webhooks.createSubscription(this.#database, subscription);
  }

  getSubscription(tenantId: string, webhookId: string): Promise<WebhookSubscriptionRecord | null> {
    return webhooks.getSubscription(this.#database, tenantId, webhookId);
  }

  listSubscriptions(
    tenantId: string,
    options: { limit: number; after?: CreatedCursor },
  ): Promise<WebhookSubscriptionRecord[]> {
    return webhooks.listSubscriptions(this.#database, tenantId, options);
  }

  async setSubscriptionStatus(
    tenantId: string,
    webhookId: string,
    status: Exclude<WebhookStatus, "failed">,
    at: string,
  ): Promise<WebhookSubscriptionRecord | null> {
    const outcome = await webhooks.setSubscriptionStatus(this.#database, tenantId, webhookId, status, at);
    if (outcome?.resumed) this.#hub.notifyDeliveries();
    return outcome?.record ?? null;
  }

  deleteSubscription(tenantId: string, webhookId: string): Promise<boolean> {
    return webhooks.deleteSubscription(this.#database, tenantId, webhookId);
  }

  claimDueDeliveries(holderId: string, now: number, leaseMs: number, limit: number): Promise<WebhookDeliveryRecord[]> {
    return webhooks.claimDueDeliveries(this.#database, holderId, now, leaseMs, limit);
  }

  recordAttempt(outcome: AttemptOutcome): Promise<boolean> {
    return webhooks.recordAttempt(this.#database, outcome);
  }

  async releaseDeliveries(holderId: string): Promise<void> {
    if (await webhooks.releaseDeliveries(this.#database, holderId)) this.#hub.notifyDeliveries();
  }

  listDeliveries(tenantId: string, webhookId: string, filter: DeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    return webhooks.listDeliveries(this.#database, tenantId, webhookId, filter);
  }

  getDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] } | null> {
    return webhooks.getDelivery(this.#database, tenantId, webhookId, deliveryId);
  }

  async replayDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
    at: string,
  ): Promise<WebhookDeliveryRecord | null> {
    const replayed = await webhooks.replayDelivery(this.#database, tenantId, webhookId, deliveryId, at);
    if (replayed) this.#hub.notifyDeliveries();
    return replayed;
  }

  async replayDeadLetters(
    tenantId: string,
    webhookId: string,
    selection: DeadLetterSelection,
    at: string,
  ): Promise<number> {
    const requeued = await webhooks.replayDeadLetters(this.#database, tenantId, webhookId, selection, at);
    if (requeued > 0) this.#hub.notifyDeliveries();
    return requeued;
  }

  watchDeliveries(listener: () => void): Unsubscribe {
    return this.#hub.watchDeliveries(listener);
  }

  deliveryStats(now: number): Promise<DeliveryStats> {
    return webhooks.deliveryStats(this.#database, now);
  }

  async readFeed(
    tenantId: string,
    options: { after?: string; types?: readonly string[]; limit: number },
  ): Promise<FeedEntry[]> {
    const page = await feed.readFeed(this.#database, tenantId, options);
    if (page.held) this.#hub.feedHeldBack();
    return page.entries;
  }

  watchFeed(listener: () => void): Unsubscribe {
    return this.#hub.watchFeed(listener);
  }

  async expireRuns(completedBefore: string, limit: number, expiredAt: string): Promise<string[]> {
    const expired = await retention.expireRuns(this.#database, completedBefore, limit, expiredAt);
    for (const runId of expired) {
      this.#recentEvents.forget(runId);
      this.#outboxRoutes.forget(runId);
    }
    return expired;
  }

  async expireRun(runId: string, expiredAt: string, tenantId?: string): Promise<boolean> {
    this.#recentEvents.forget(runId);
    const expired = await retention.expireRun(this.#database, runId, expiredAt, tenantId);
    // Again: a step committed meanwhile may have recorded events of the run.
    if (expired) {
      this.#recentEvents.forget(runId);
      this.#outboxRoutes.forget(runId);
    }
    return expired;
  }

  getTombstone(runId: string, tenantId?: string): Promise<RunTombstone | null> {
    return retention.getTombstone(this.#database, runId, tenantId);
  }

  async ping(): Promise<void> {
    // A server that answers but refuses every write (a hot standby, default_transaction_read_only
    // switched on) is not ready either: the same round trip asks whether this session may write.
    const { rows } = await this.#database.idempotent<{ read_only: string }>("pinging", {
      text: "SELECT current_setting('transaction_read_only') AS read_only",
    });
    if (rows[0]?.read_only === "on")
      throw new StorageUnavailableError("postgres is read-only (transaction_read_only is on): writes are refused");
  }

  /**
   * A scoped query found the run in `tenantId`. While the run is watched here, its recent
   * events may then answer that tenant's reads (a run's tenant never changes); the note goes
   * with them.
   */
  #noteTenant(runId: string, tenantId: string): void {
    if (this.#hub.hasEventWatchers(runId)) this.#recentEvents.noteTenant(runId, tenantId);
  }

  /** Stops listening, then closes the pool once the statements in flight have finished. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#releasedInSteps.clear();
      this.#recentEvents.clear();
      await this.#hub.close();
      await this.#database.close();
    })();
    return this.#closing;
  }
}
