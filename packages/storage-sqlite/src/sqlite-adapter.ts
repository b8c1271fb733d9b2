import type Database from "better-sqlite3";
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
import { KeyedNotifier, Notifier, RecentEvents, ReleasedClaims, StorageUnavailableError } from "@openwop/storage";
import { writeIdempotencyClaim } from "./claim-idempotency-key.js";
import { createStepWriter, type CommittedStep } from "./commit-step.js";
import { openConnection } from "./connection.js";
import { writeRunCreation } from "./create-run.js";
import { toStorageError } from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import { type KeyStatements, prepareKeyStatements } from "./key-statements.js";
import {
  writeAuthFailures,
  writeConfiguredKeys,
  writeKeyCreation,
  writeKeyRevocation,
  writeKeyRotation,
  writeKeyUse,
} from "./keys.js";
import { RunListing } from "./list-runs.js";
import { loadMigrations, migrate, type Migration } from "./migrations.js";
import { writeRunExpiry, writeRunsExpiry } from "./retention.js";
import {
  apiKeyFromRow,
  authFailureFromRow,
  eventFromRow,
  idempotencyFromRow,
  keyStatsFromRow,
  runFromRow,
  suspensionFromRow,
  tombstoneFromRow,
} from "./rows.js";
import { prepareStatements, type Statements } from "./statements.js";
import { attemptFromRow, deliveryFromRow, parseFeedPosition, subscriptionFromRow } from "./webhook-rows.js";
import { prepareWebhookStatements, type WebhookStatements } from "./webhook-statements.js";
import {
  writeAttempt,
  writeClaims,
  writeDeadLetterReplay,
  writeReplay,
  writeSubscription,
  writeSubscriptionStatus,
} from "./webhooks.js";

export interface SqliteAdapterOptions {
  /** The database file; created (with its directory) when missing. Must be on a local disk: WAL needs shared memory. */
  path: string;
  /**
   * How long a write waits for another connection's write lock before failing with
   * `StorageUnavailableError`, in milliseconds. Default 5000.
   */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** How long after a write failed for want of storage `ping` keeps answering "unavailable". */
const RECENT_WRITE_FAILURE_MS = 3_000;
const DEFAULT_READ_LIMIT = 100;
const CLAIMABLE_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(["pending", "running", "cancelling"]);

class SqliteAdapter implements StorageAdapter {
  readonly name = "sqlite";
  readonly spiVersionRange = "^3.0.0";
  readonly durable = true;

  readonly #db: Database.Database;
  readonly #statements: Statements;
  readonly #keyStatements: KeyStatements;
  readonly #runListing: RunListing;
  readonly #webhookStatements: WebhookStatements;
  readonly #writeStep: (step: RunStep) => CommittedStep;
  /** Every write goes through here: one FIFO path, group-committed (see group-commit.ts). */
  readonly #writes: GroupCommit;
  // In-process notifications are enough: one host process owns a SQLite file, so every write
  // that matters to a watcher passes through this adapter. A second process on the same file
  // writes safely, but its appends are not announced here; readers that must see them poll.
  readonly #eventWatchers = new KeyedNotifier<[lastSequence: number]>();
  readonly #workWatchers = new Notifier<[]>();
  readonly #deliveryWatchers = new Notifier<[]>();
  readonly #feedWatchers = new Notifier<[]>();
  readonly #releasedInSteps = new ReleasedClaims();
  readonly #recentEvents = new RecentEvents();
  /** Event watchers per run, so the recent events are kept exactly while someone may read them. */
  readonly #watchedRuns = new Map<string, number>();
  #closed = false;
  /**
   * The last write that failed because SQLite could not write (a full disk, a file it may not
   * write, an I/O error, a lock held too long), and when. Reads still succeed then, so `ping`
   * consults this. Ordinary writes that commit do not clear it: a transaction that changed no
   * row commits without writing a byte, even on a full disk.
   */
  #lastWriteFailure: { at: number; error: StorageUnavailableError } | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = prepareStatements(db);
    this.#keyStatements = prepareKeyStatements(db);
    this.#runListing = new RunListing(db);
    this.#webhookStatements = prepareWebhookStatements(db);
    this.#writeStep = createStepWriter(db, this.#statements, this.#webhookStatements);
    this.#writes = new GroupCommit(db);
  }

  async createRun(creation: RunCreation): Promise<RunEvent[]> {
    const { events, deliveries } = await this.#write(() =>
      writeRunCreation(this.#statements, this.#webhookStatements, creation),
    );
    if (events.length > 0) this.#eventWatchers.notify(creation.run.runId, events.length - 1);
    this.#workWatchers.notify();
    if (events.length > 0) this.#feedWatchers.notify();
    if (deliveries > 0) this.#deliveryWatchers.notify();
    return events;
  }

  async getRun(runId: string, tenantId?: string): Promise<RunRecord | null> {
    const row = this.#use(() =>
      tenantId === undefined
        ? this.#statements.selectRun.get(runId)
        : this.#statements.selectRunOfTenant.get(runId, tenantId),
    );
    if (row && tenantId !== undefined) this.#noteTenant(runId, tenantId);
    return row ? runFromRow(row) : null;
  }

  async listRuns(query: RunListQuery): Promise<RunSummary[]> {
    return this.#use(() => this.#runListing.list(query));
  }

  async commitStep(step: RunStep): Promise<RunEvent[]> {
    const committed = await this.#write(() => this.#writeStep(step));
    if (step.releaseClaim) this.#releasedInSteps.released(step.runId);
    // Before announcing: the watchers' reads that the announcement triggers find them here.
    if (committed.events.length > 0 && this.#watchedRuns.has(step.runId))
      this.#recentEvents.record(step.runId, committed.events);
    if (committed.events.length > 0) this.#eventWatchers.notify(step.runId, committed.lastSequence);
    if (step.releaseClaim || (step.patch?.status !== undefined && CLAIMABLE_STATUSES.has(step.patch.status))) {
      this.#workWatchers.notify();
    }
    if (committed.events.length > 0) this.#feedWatchers.notify();
    if (committed.deliveries > 0) this.#deliveryWatchers.notify();
    return committed.events;
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<RunEvent[]> {
    // SQLite treats a negative LIMIT as "no limit"; the SPI means "nothing".
    const limit = Math.max(0, options.limit ?? DEFAULT_READ_LIMIT);
    const fromSequence = Math.max(0, options.fromSequence ?? 0);
    const { tenantId } = options;
    this.#assertOpen();
    // Scoped reads are answered from memory only for a run a scoped query showed to be the tenant's.
    const recent = this.#recentEvents.read(runId, fromSequence, limit, tenantId);
    if (recent) return recent;
    const rows = this.#use(() =>
      tenantId === undefined
        ? this.#statements.selectEvents.all(runId, fromSequence, limit)
        : this.#statements.selectEventsOfTenant.all(runId, tenantId, fromSequence, limit),
    );
    if (rows.length > 0 && tenantId !== undefined) this.#noteTenant(runId, tenantId);
    return rows.map(eventFromRow);
  }

  async latestEvent(runId: string): Promise<RunEvent | null> {
    const row = this.#use(() => this.#statements.selectLatestEvent.get(runId));
    return row ? eventFromRow(row) : null;
  }

  watchEvents(runId: string, listener: (lastSequence: number) => void): Unsubscribe {
    this.#assertOpen();
    const stop = this.#eventWatchers.add(runId, listener);
    this.#watchedRuns.set(runId, (this.#watchedRuns.get(runId) ?? 0) + 1);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      stop();
      const left = (this.#watchedRuns.get(runId) ?? 1) - 1;
      if (left > 0) this.#watchedRuns.set(runId, left);
      else {
        this.#watchedRuns.delete(runId);
        this.#recentEvents.forget(runId);
      }
    };
  }

  async listSuspensions(runId: string, options: ListSuspensionsOptions = {}): Promise<SuspensionRecord[]> {
    const { status, tenantId } = options;
    const rows = this.#use(() => {
      if (tenantId === undefined) {
        return status === undefined
          ? this.#statements.selectSuspensions.all(runId)
          : this.#statements.selectSuspensionsByStatus.all(runId, status);
      }
      return status === undefined
        ? this.#statements.selectSuspensionsOfTenant.all(runId, tenantId)
        : this.#statements.selectSuspensionsOfTenantByStatus.all(runId, tenantId, status);
    });
    return rows.map(suspensionFromRow);
  }

  async claimRun(runId: string, holderId: string, ttlMs: number, now: number): Promise<RunClaim | null> {
    const expiresAt = now + ttlMs;
    this.#releasedInSteps.claimed(runId);
    const epoch = await this.#write(() => this.#statements.claimRun.get({ runId, holderId, expiresAt, now }));
    return epoch === undefined ? null : { holderId, expiresAt, epoch };
  }

  async renewClaims(holderId: string, ttlMs: number, now: number): Promise<string[]> {
    return this.#write(() => this.#statements.renewClaims.all({ holderId, expiresAt: now + ttlMs }));
  }

  async releaseClaims(holderId: string, runIds?: string[]): Promise<void> {
    const held = runIds === undefined ? undefined : this.#releasedInSteps.stillHeld(runIds);
    // Every named run was released by its own last step already: nothing to write, nothing new to announce.
    if (held !== undefined && held.length === 0 && runIds !== undefined && runIds.length > 0) return;
    const released = await this.#write(() =>
      held === undefined
        ? this.#statements.releaseAllClaims.run(holderId)
        : this.#statements.releaseNamedClaims.run(holderId, JSON.stringify(held)),
    );
    if (released.changes > 0) this.#workWatchers.notify();
  }

  async listClaimableRuns(now: number, limit: number): Promise<string[]> {
    return this.#use(() => this.#statements.listClaimableRuns.all({ now, limit: Math.max(0, limit) }));
  }

  watchWork(listener: () => void): Unsubscribe {
    this.#assertOpen();
    return this.#workWatchers.add(listener);
  }

  async countRunsByStatus(): Promise<Partial<Record<RunStatus, number>>> {
    const rows = this.#use(() => this.#statements.countRunsByStatus.all());
    const counts: Partial<Record<RunStatus, number>> = {};
    for (const row of rows) counts[row.status as RunStatus] = row.count;
    return counts;
  }

  async claimIdempotencyKey(record: IdempotencyRecord, now: number): Promise<IdempotencyClaim> {
    return this.#write(() => writeIdempotencyClaim(this.#statements, record, now));
  }

  async getIdempotencyRecord(recordKey: string): Promise<IdempotencyRecord | null> {
    const row = this.#use(() => this.#statements.selectIdempotency.get(recordKey));
    return row ? idempotencyFromRow(row) : null;
  }

  async completeIdempotencyKey(recordKey: string, response: IdempotentResponse): Promise<void> {
    await this.#write(() => this.#statements.completeIdempotency.run(JSON.stringify(response), recordKey));
  }

  async releaseIdempotencyKey(recordKey: string): Promise<void> {
    await this.#write(() => this.#statements.releaseIdempotency.run(recordKey));
  }

  async purgeIdempotencyRecords(createdBefore: string): Promise<number> {
    return this.#write(() => this.#statements.purgeIdempotency.run(createdBefore).changes);
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.#write(() => writeKeyCreation(this.#keyStatements, key));
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | null> {
    const row = this.#use(() => this.#keyStatements.selectApiKeyByHash.get(keyHash));
    return row ? apiKeyFromRow(row) : null;
  }

  async getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | null> {
    const row = this.#use(() => this.#keyStatements.selectApiKeyOfTenant.get(tenantId, keyId));
    return row ? apiKeyFromRow(row) : null;
  }

  async listApiKeys(tenantId: string, options: { limit: number; after?: ApiKeyCursor }): Promise<ApiKeyRecord[]> {
    // SQLite treats a negative LIMIT as "no limit"; the SPI means "nothing".
    const limit = Math.max(0, options.limit);
    const { after } = options;
    const rows = this.#use(() =>
      after === undefined
        ? this.#keyStatements.listApiKeys.all({ tenantId, limit })
        : this.#keyStatements.listApiKeysAfter.all({ tenantId, limit, createdAt: after.createdAt, keyId: after.keyId }),
    );
    return rows.map(apiKeyFromRow);
  }

  async rotateApiKey(
    tenantId: string,
    keyId: string,
    successor: ApiKeyRecord,
    graceUntil: string,
    at: string,
  ): Promise<{ rotated: ApiKeyRecord } | { refused: RotationRefusal }> {
    return this.#write(() => writeKeyRotation(this.#keyStatements, tenantId, keyId, successor, graceUntil, at));
  }

  async revokeApiKey(tenantId: string, keyId: string, at: string): Promise<ApiKeyRecord | null> {
    return this.#write(() => writeKeyRevocation(this.#keyStatements, tenantId, keyId, at));
  }

  async syncConfiguredKeys(
    origin: Exclude<ApiKeyOrigin, "api">,
    keys: ApiKeyRecord[],
    at: string,
  ): Promise<ConfiguredKeysSync> {
    return this.#write(() => writeConfiguredKeys(this.#keyStatements, origin, keys, at));
  }

  async recordKeyUse(uses: ReadonlyArray<{ keyId: string; usedAt: string }>): Promise<void> {
    if (uses.length === 0) return this.#assertOpen();
    await this.#write(() => writeKeyUse(this.#keyStatements, uses));
  }

  async keyStateVersion(): Promise<string> {
    return String(this.#use(() => this.#keyStatements.selectKeyState.get()) ?? 0);
  }

  async keyStats(now: string, expiringBefore: string): Promise<TenantKeyStats[]> {
    return this.#use(() => this.#keyStatements.keyStats.all({ now, expiringBefore })).map(keyStatsFromRow);
  }

  async recordAuthFailures(failures: readonly AuthFailureCount[]): Promise<void> {
    if (failures.length === 0) return this.#assertOpen();
    await this.#write(() => writeAuthFailures(this.#keyStatements, failures));
  }

  async listAuthFailures(tenantId: string, since: string): Promise<AuthFailureCount[]> {
    return this.#use(() => this.#keyStatements.listAuthFailures.all(tenantId, since)).map(authFailureFromRow);
  }

  async purgeAuthFailures(before: string): Promise<number> {
    return this.#write(() => this.#keyStatements.purgeAuthFailures.run(before).changes);
  }

  async createSubscription(subscription: WebhookSubscriptionRecord): Promise<void> {
    await this.#write(() => writeSubscription(this.#webhookStatements, subscription));
  }

  async getSubscription(tenantId: string, webhookId: string): Promise<WebhookSubscriptionRecord | null> {
    const row = this.#use(() => this.#webhookStatements.selectWebhook.get(tenantId, webhookId));
    return row ? subscriptionFromRow(row) : null;
  }

  async listSubscriptions(
    tenantId: string,
    options: { limit: number; after?: CreatedCursor },
  ): Promise<WebhookSubscriptionRecord[]> {
    // SQLite treats a negative LIMIT as "no limit"; the SPI means "nothing".
    const limit = Math.max(0, options.limit);
    const { after } = options;
    const rows = this.#use(() =>
      after === undefined
        ? this.#webhookStatements.listWebhooks.all({ tenantId, limit })
        : this.#webhookStatements.listWebhooksAfter.all({ tenantId, limit, createdAt: after.createdAt, id: after.id }),
    );
    return rows.map(subscriptionFromRow);
  }

  async setSubscriptionStatus(
    tenantId: string,
    webhookId: string,
    status: Exclude<WebhookStatus, "failed">,
    at: string,
  ): Promise<WebhookSubscriptionRecord | null> {
    const outcome = await this.#write(() =>
      writeSubscriptionStatus(this.#webhookStatements, tenantId, webhookId, status, at),
    );
    if (outcome?.resumed) this.#deliveryWatchers.notify();
    return outcome?.record ?? null;
  }

  async deleteSubscription(tenantId: string, webhookId: string): Promise<boolean> {
    const deleted = await this.#write(() => this.#webhookStatements.deleteWebhook.run(tenantId, webhookId));
    return deleted.changes > 0;
  }

  async claimDueDeliveries(
    holderId: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<WebhookDeliveryRecord[]> {
    return this.#write(() => writeClaims(this.#webhookStatements, holderId, now, leaseMs, limit));
  }

  async recordAttempt(outcome: AttemptOutcome): Promise<boolean> {
    return this.#write(() => writeAttempt(this.#webhookStatements, outcome));
  }

  async releaseDeliveries(holderId: string): Promise<void> {
    const released = await this.#write(() => this.#webhookStatements.releaseDeliveries.run(holderId));
    if (released.changes > 0) this.#deliveryWatchers.notify();
  }

  async listDeliveries(tenantId: string, webhookId: string, filter: DeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    const rows = this.#use(() =>
      this.#webhookStatements.listDeliveries.all({
        tenantId,
        webhookId,
        status: filter.status ?? null,
        runId: filter.runId ?? null,
        eventType: filter.eventType ?? null,
        afterCreatedAt: filter.after?.createdAt ?? null,
        afterId: filter.after?.id ?? null,
        limit: Math.max(0, filter.limit),
      }),
    );
    return rows.map(deliveryFromRow);
  }

  async getDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] } | null> {
    // One read transaction, so the delivery and its attempts are of the same moment.
    return this.#use(() =>
      this.#db.transaction(() => {
        const row = this.#webhookStatements.selectDelivery.get(tenantId, webhookId, deliveryId);
        if (!row) return null;
        const attempts = this.#webhookStatements.selectAttempts.all(deliveryId).map(attemptFromRow);
        return { delivery: deliveryFromRow(row), attempts };
      })(),
    );
  }

  async replayDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
    at: string,
  ): Promise<WebhookDeliveryRecord | null> {
    const replayed = await this.#write(() => writeReplay(this.#webhookStatements, tenantId, webhookId, deliveryId, at));
    if (replayed) this.#deliveryWatchers.notify();
    return replayed;
  }

  async replayDeadLetters(
    tenantId: string,
    webhookId: string,
    selection: DeadLetterSelection,
    at: string,
  ): Promise<number> {
    const requeued = await this.#write(() =>
      writeDeadLetterReplay(this.#webhookStatements, tenantId, webhookId, selection, at),
    );
    if (requeued > 0) this.#deliveryWatchers.notify();
    return requeued;
  }

  watchDeliveries(listener: () => void): Unsubscribe {
    this.#assertOpen();
    return this.#deliveryWatchers.add(listener);
  }

  async deliveryStats(now: number): Promise<DeliveryStats> {
    const row = this.#use(() => this.#webhookStatements.deliveryStats.get({ now }));
    return {
      waiting: row?.waiting ?? 0,
      oldestWaitingAt: row?.oldest_waiting_at ?? null,
      deadLettered: row?.dead_lettered ?? 0,
      openCircuits: row?.open_circuits ?? 0,
    };
  }

  async readFeed(
    tenantId: string,
    options: { after?: string; types?: readonly string[]; limit: number },
  ): Promise<FeedEntry[]> {
    this.#assertOpen();
    const after = options.after === undefined ? 0 : parseFeedPosition(options.after);
    const rows = this.#use(() =>
      this.#webhookStatements.readFeed.all({
        tenantId,
        after,
        typesJson: options.types === undefined ? null : JSON.stringify(options.types),
        limit: Math.max(0, options.limit),
      }),
    );
    return rows.map((row) => ({ position: String(row.feed_position), event: eventFromRow(row) }));
  }

  watchFeed(listener: () => void): Unsubscribe {
    this.#assertOpen();
    return this.#feedWatchers.add(listener);
  }

  async expireRuns(completedBefore: string, limit: number, expiredAt: string): Promise<string[]> {
    const expired = await this.#write(() => writeRunsExpiry(this.#statements, completedBefore, limit, expiredAt));
    for (const runId of expired) this.#recentEvents.forget(runId);
    return expired;
  }

  async expireRun(runId: string, expiredAt: string, tenantId?: string): Promise<boolean> {
    this.#recentEvents.forget(runId);
    const expired = await this.#write(() => writeRunExpiry(this.#statements, runId, expiredAt, tenantId));
    // Again: a step committed in the same batch may have recorded events of the run meanwhile.
    if (expired) this.#recentEvents.forget(runId);
    return expired;
  }

  async getTombstone(runId: string, tenantId?: string): Promise<RunTombstone | null> {
    const row = this.#use(() =>
      tenantId === undefined
        ? this.#statements.selectTombstone.get(runId)
        : this.#statements.selectTombstoneOfTenant.get(runId, tenantId),
    );
    return row ? tombstoneFromRow(row) : null;
  }

  async ping(): Promise<void> {
    this.#use(() => this.#statements.ping.get());
    // Reads keep working on a full disk or a read-only file, so a read alone would call a host
    // ready that refuses every write. Only after a write failed, probe with a small write that
    // always reaches the file: the header's user_version (unused by this adapter) set to its
    // own value, one page in the WAL. Healthy hosts never write here. A probe can fit in space
    // a failed larger write left behind, so writes that failed within the last few seconds
    // keep the answer "unavailable" too; the host is ready again once they stop failing.
    const failure = this.#lastWriteFailure;
    if (failure === undefined) return;
    await this.#write(() => {
      const userVersion = Number(this.#db.pragma("user_version", { simple: true }));
      this.#db.pragma(`user_version = ${userVersion}`);
    });
    const latest = this.#lastWriteFailure ?? failure;
    if (Date.now() - latest.at < RECENT_WRITE_FAILURE_MS) {
      throw new StorageUnavailableError(`SQLite writes are failing: ${latest.error.message}`, { cause: latest.error });
    }
    if (this.#lastWriteFailure === latest) this.#lastWriteFailure = undefined;
  }

  async close(): Promise<void> {
    this.#assertOpen();
    this.#closed = true;
    this.#releasedInSteps.clear();
    this.#recentEvents.clear();
    this.#watchedRuns.clear();
    // Writes already requested were accepted before close: commit them, then let go.
    this.#use(() => this.#writes.flush(), { evenWhenClosed: true });
    this.#eventWatchers.clear();
    this.#workWatchers.clear();
    this.#deliveryWatchers.clear();
    this.#feedWatchers.clear();
    this.#use(() => this.#db.close(), { evenWhenClosed: true });
  }

  /**
   * A scoped query found the run in `tenantId`. While the run is watched, its recent events
   * may then answer that tenant's reads (a run's tenant never changes); the note goes with them.
   */
  #noteTenant(runId: string, tenantId: string): void {
    if (this.#watchedRuns.has(runId)) this.#recentEvents.noteTenant(runId, tenantId);
  }

  /** Queues a write for the next group commit; its failure reaches the caller in the SPI's vocabulary. */
  async #write<T>(work: () => T): Promise<T> {
    this.#assertOpen();
    try {
      return await this.#writes.write(work);
    } catch (error) {
      const translated = toStorageError(error);
      if (translated instanceof StorageUnavailableError) this.#lastWriteFailure = { at: Date.now(), error: translated };
      throw translated;
    }
  }

  /**
   * Runs one synchronous database call. The public methods are `async`, so whatever this
   * throws (translated into the SPI's errors) reaches the caller as a rejection.
   */
  #use<T>(work: () => T, options: { evenWhenClosed?: boolean } = {}): T {
    if (!options.evenWhenClosed) this.#assertOpen();
    try {
      return work();
    } catch (error) {
      throw toStorageError(error);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageUnavailableError("the SQLite storage adapter is closed");
  }
}

/**
 * Opens (creating or upgrading) a SQLite database and returns a storage adapter over it.
 *
 * One adapter, and one connection, per process and file. Statements are prepared once.
 * Every write is atomic on its own (one savepoint) and durable when its promise resolves;
 * the writes requested in one event-loop turn share one `BEGIN IMMEDIATE` transaction
 * (group commit, see `group-commit.ts`). `watchEvents` / `watchWork` are fed by an
 * in-process emitter after each commit. Another process may open the same file (its
 * writes wait up to `busyTimeoutMs` for the lock), but its appends are not announced to
 * this process's watchers: run one host process per database file.
 *
 * @throws SchemaTooNewError (from `@openwop/storage`) when a newer release migrated the file;
 *   nothing is written to it then.
 *
 * @example
 * const storage = openSqliteAdapter({ path: "./.openwop/openwop.db" });
 * assertSpiCompatible(storage);
 */
export function openSqliteAdapter(options: SqliteAdapterOptions): StorageAdapter {
  return openSqliteAdapterWithMigrations(options, loadMigrations());
}

/**
 * {@link openSqliteAdapter} with the migrations this code is to know. Not exported from the
 * package: tests pass the shipped list cut short to play the previous release against a
 * file the current one migrated.
 */
export function openSqliteAdapterWithMigrations(
  options: SqliteAdapterOptions,
  migrations: readonly Migration[],
): StorageAdapter {
  const db = openConnection(options.path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  try {
    migrate(db, migrations, db.name);
    return new SqliteAdapter(db);
  } catch (error) {
    db.close();
    throw toStorageError(error);
  }
}
