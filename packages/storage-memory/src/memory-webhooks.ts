import { randomUUID } from "node:crypto";
import type {
  AttemptOutcome,
  CreatedCursor,
  DeadLetterSelection,
  DeliveryFilter,
  DeliveryStats,
  RunEvent,
  RunRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import { StorageConflictError } from "@openwop/storage";
import { copy } from "./copy.js";

/** A delivery and what the adapter orders it by. */
interface StoredDelivery {
  record: WebhookDeliveryRecord;
  /** `nextAttemptAt` as epoch milliseconds; null when not due at all. */
  dueMs: number | null;
  /** The event's feed position, the tie-break between deliveries due at one instant. */
  position: number;
}

/** Orders ISO-8601 timestamps and ids by code unit, like SQL `ORDER BY` on text does. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An ISO instant as epoch milliseconds; one that does not parse counts as the epoch (long past). */
function instant(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Whether `record` lies strictly after the cursor in newest-first order. */
function isAfter(createdAt: string, id: string, cursor: CreatedCursor | undefined): boolean {
  return cursor === undefined || createdAt < cursor.createdAt || (createdAt === cursor.createdAt && id < cursor.id);
}

function newestFirst(a: WebhookDeliveryRecord, b: WebhookDeliveryRecord): number {
  return compareStrings(b.createdAt, a.createdAt) || compareStrings(b.deliveryId, a.deliveryId);
}

function oldestFirst(a: WebhookDeliveryRecord, b: WebhookDeliveryRecord): number {
  return -newestFirst(a, b);
}

/**
 * The webhook store of the memory adapter: subscriptions with an index by tenant (so a step
 * in a tenant without subscriptions costs one map lookup), deliveries with indexes by
 * subscription and by run, and each delivery's attempts. Every method runs to completion
 * without yielding, so each is atomic, and the outbox is written in the same synchronous
 * call that appends the events.
 */
export class MemoryWebhooks {
  readonly #subscriptions = new Map<string, WebhookSubscriptionRecord>();
  readonly #byTenant = new Map<string, Set<string>>();
  readonly #deliveries = new Map<string, StoredDelivery>();
  readonly #byWebhook = new Map<string, Set<string>>();
  readonly #byRun = new Map<string, Set<string>>();
  readonly #attempts = new Map<string, WebhookAttemptRecord[]>();

  /**
   * The outbox: one delivery per appended event and subscription of the run's tenant whose
   * events contain its type and whose tags are empty or meet the run's. Resolves to how many.
   */
  record(run: RunRecord, appended: readonly RunEvent[], positions: readonly number[]): number {
    const subscribed = this.#byTenant.get(run.tenantId);
    if (!subscribed || appended.length === 0) return 0;
    let recorded = 0;
    for (const webhookId of subscribed) {
      const subscription = this.#subscriptions.get(webhookId) as WebhookSubscriptionRecord;
      if (subscription.tags.length > 0 && !subscription.tags.some((tag) => run.tags.includes(tag))) continue;
      appended.forEach((event, index) => {
        if (!subscription.events.includes(event.type)) return;
        const position = positions[index] as number;
        const record: WebhookDeliveryRecord = {
          deliveryId: `dlv_${randomUUID().replaceAll("-", "")}`,
          webhookId,
          tenantId: run.tenantId,
          runId: run.runId,
          sequence: event.sequence,
          eventType: event.type,
          feedPosition: String(position),
          status: "pending",
          attempts: 0,
          totalAttempts: 0,
          nextAttemptAt: event.timestamp,
          createdAt: event.timestamp,
          updatedAt: event.timestamp,
          deliveredAt: null,
          lastError: null,
          lease: null,
        };
        this.#deliveries.set(record.deliveryId, { record, dueMs: instant(event.timestamp), position });
        indexUnder(this.#byWebhook, webhookId, record.deliveryId);
        indexUnder(this.#byRun, run.runId, record.deliveryId);
        recorded += 1;
      });
    }
    return recorded;
  }

  /** Retention: the run's deliveries and their attempts go with it. */
  forgetRun(runId: string): void {
    for (const deliveryId of this.#byRun.get(runId) ?? []) this.#deleteDelivery(deliveryId);
    this.#byRun.delete(runId);
  }

  createSubscription(subscription: WebhookSubscriptionRecord): void {
    if (this.#subscriptions.has(subscription.webhookId)) {
      throw new StorageConflictError(`webhook ${subscription.webhookId} already exists`, "webhook-exists");
    }
    this.#subscriptions.set(subscription.webhookId, copy(subscription));
    indexUnder(this.#byTenant, subscription.tenantId, subscription.webhookId);
  }

  getSubscription(tenantId: string, webhookId: string): WebhookSubscriptionRecord | null {
    const subscription = this.#ofTenant(tenantId, webhookId);
    return subscription ? copy(subscription) : null;
  }

  listSubscriptions(tenantId: string, limit: number, after: CreatedCursor | undefined): WebhookSubscriptionRecord[] {
    return [...(this.#byTenant.get(tenantId) ?? [])]
      .map((webhookId) => this.#subscriptions.get(webhookId) as WebhookSubscriptionRecord)
      .filter((subscription) => isAfter(subscription.createdAt, subscription.webhookId, after))
      .sort((a, b) => compareStrings(b.createdAt, a.createdAt) || compareStrings(b.webhookId, a.webhookId))
      .slice(0, Math.max(0, limit))
      .map((subscription) => copy(subscription));
  }

  /** Resolves to the record as stored and whether the subscription was resumed (its deliveries may be due). */
  setStatus(
    tenantId: string,
    webhookId: string,
    status: Exclude<WebhookStatus, "failed">,
    at: string,
  ): { record: WebhookSubscriptionRecord; resumed: boolean } | null {
    const subscription = this.#ofTenant(tenantId, webhookId);
    if (!subscription) return null;
    if (subscription.status === "failed") return { record: copy(subscription), resumed: false };
    subscription.status = status;
    subscription.updatedAt = at;
    if (status === "active") {
      subscription.consecutiveFailures = 0;
      subscription.circuitOpenUntil = null;
    }
    return { record: copy(subscription), resumed: status === "active" };
  }

  deleteSubscription(tenantId: string, webhookId: string): boolean {
    if (!this.#ofTenant(tenantId, webhookId)) return false;
    for (const deliveryId of this.#byWebhook.get(webhookId) ?? []) this.#deleteDelivery(deliveryId);
    this.#byWebhook.delete(webhookId);
    this.#subscriptions.delete(webhookId);
    const ofTenant = this.#byTenant.get(tenantId);
    ofTenant?.delete(webhookId);
    if (ofTenant?.size === 0) this.#byTenant.delete(tenantId);
    return true;
  }

  claim(holderId: string, now: number, leaseMs: number, limit: number): WebhookDeliveryRecord[] {
    if (limit <= 0) return [];
    const due = [...this.#deliveries.values()]
      .filter((stored) => this.#claimable(stored, now))
      .sort(
        (a, b) =>
          (a.dueMs ?? 0) - (b.dueMs ?? 0) ||
          a.position - b.position ||
          compareStrings(a.record.webhookId, b.record.webhookId),
      )
      .slice(0, limit);
    for (const stored of due) stored.record.lease = { holderId, expiresAt: now + leaseMs };
    return due.map((stored) => copy(stored.record));
  }

  /** See `WebhookStore.recordAttempt`; every change below happens in this one synchronous call. */
  recordAttempt(outcome: AttemptOutcome): boolean {
    const stored = this.#deliveries.get(outcome.deliveryId);
    if (!stored) return false;
    const delivery = stored.record;
    delivery.totalAttempts += 1;
    const log = this.#attempts.get(delivery.deliveryId) ?? [];
    log.push({ ...copy(outcome.attempt), deliveryId: delivery.deliveryId, attempt: delivery.totalAttempts });
    this.#attempts.set(delivery.deliveryId, log);
    if (delivery.lease?.holderId !== outcome.holderId) return false;

    const { result, now } = outcome;
    delivery.lease = null;
    delivery.updatedAt = now;
    if (result.kind === "delivered") {
      delivery.status = "delivered";
      delivery.deliveredAt = now;
      delivery.nextAttemptAt = null;
      stored.dueMs = null;
    } else {
      delivery.attempts += 1;
      const { error, statusCode } = outcome.attempt;
      delivery.lastError = error ?? (statusCode === null ? "the attempt failed" : `HTTP ${statusCode}`);
      delivery.status = result.kind === "retry" ? "failed" : "dead_lettered";
      delivery.nextAttemptAt = result.kind === "retry" ? result.nextAttemptAt : null;
      stored.dueMs = result.kind === "retry" ? instant(result.nextAttemptAt) : null;
    }

    const subscription = this.#subscriptions.get(delivery.webhookId);
    if (!subscription) return true;
    if (result.kind === "delivered") {
      if (subscription.consecutiveFailures === 0 && subscription.circuitOpenUntil === null) return true;
      subscription.updatedAt = now;
      subscription.consecutiveFailures = 0;
      subscription.circuitOpenUntil = null;
      return true;
    }
    subscription.updatedAt = now;
    subscription.consecutiveFailures += 1;
    if (subscription.consecutiveFailures >= outcome.circuit.openAfterFailures) {
      subscription.circuitOpenUntil = outcome.circuit.openUntil;
    }
    if (instant(subscription.failureWindowStartedAt) < instant(now) - outcome.failureBudget.windowMs) {
      subscription.failureWindowStartedAt = now;
      subscription.windowFailures = 1;
    } else {
      subscription.windowFailures += 1;
    }
    if (subscription.windowFailures >= outcome.failureBudget.failures) subscription.status = "failed";
    return true;
  }

  /** Resolves to whether any lease was released. */
  release(holderId: string): boolean {
    let released = false;
    for (const { record } of this.#deliveries.values()) {
      if (record.lease?.holderId !== holderId) continue;
      record.lease = null;
      released = true;
    }
    return released;
  }

  listDeliveries(tenantId: string, webhookId: string, filter: DeliveryFilter): WebhookDeliveryRecord[] {
    if (!this.#ofTenant(tenantId, webhookId) || filter.limit <= 0) return [];
    return this.#deliveriesOf(webhookId)
      .filter(
        (delivery) =>
          (filter.status === undefined || delivery.status === filter.status) &&
          (filter.runId === undefined || delivery.runId === filter.runId) &&
          (filter.eventType === undefined || delivery.eventType === filter.eventType) &&
          isAfter(delivery.createdAt, delivery.deliveryId, filter.after),
      )
      .sort(newestFirst)
      .slice(0, filter.limit)
      .map((delivery) => copy(delivery));
  }

  getDelivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): { delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] } | null {
    const stored = this.#deliveryOf(tenantId, webhookId, deliveryId);
    if (!stored) return null;
    return { delivery: copy(stored.record), attempts: copy(this.#attempts.get(deliveryId) ?? []) };
  }

  replay(tenantId: string, webhookId: string, deliveryId: string, at: string): WebhookDeliveryRecord | null {
    const stored = this.#deliveryOf(tenantId, webhookId, deliveryId);
    if (!stored) return null;
    requeue(stored, at);
    return copy(stored.record);
  }

  replayDeadLetters(tenantId: string, webhookId: string, selection: DeadLetterSelection, at: string): number {
    if (!this.#ofTenant(tenantId, webhookId) || selection.limit <= 0) return 0;
    const { since, until, eventTypes } = selection;
    const chosen = this.#deliveriesOf(webhookId)
      .filter(
        (delivery) =>
          delivery.status === "dead_lettered" &&
          (since === undefined || delivery.createdAt >= since) &&
          (until === undefined || delivery.createdAt < until) &&
          (eventTypes === undefined || eventTypes.includes(delivery.eventType)),
      )
      .sort(oldestFirst)
      .slice(0, selection.limit);
    for (const delivery of chosen) requeue(this.#deliveries.get(delivery.deliveryId) as StoredDelivery, at);
    return chosen.length;
  }

  stats(now: number): DeliveryStats {
    let waiting = 0;
    let oldestWaitingAt: string | null = null;
    let deadLettered = 0;
    for (const { record } of this.#deliveries.values()) {
      if (record.status === "dead_lettered") deadLettered += 1;
      if (record.status !== "pending" && record.status !== "failed") continue;
      waiting += 1;
      if (oldestWaitingAt === null || record.createdAt < oldestWaitingAt) oldestWaitingAt = record.createdAt;
    }
    let openCircuits = 0;
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.circuitOpenUntil !== null && instant(subscription.circuitOpenUntil) > now) openCircuits += 1;
    }
    return { waiting, oldestWaitingAt, deadLettered, openCircuits };
  }

  #claimable(stored: StoredDelivery, now: number): boolean {
    const { record, dueMs } = stored;
    if ((record.status !== "pending" && record.status !== "failed") || dueMs === null || dueMs > now) return false;
    if (record.lease !== null && record.lease.expiresAt > now) return false;
    const subscription = this.#subscriptions.get(record.webhookId);
    return (
      subscription?.status === "active" &&
      (subscription.circuitOpenUntil === null || instant(subscription.circuitOpenUntil) <= now)
    );
  }

  #ofTenant(tenantId: string, webhookId: string): WebhookSubscriptionRecord | undefined {
    const subscription = this.#subscriptions.get(webhookId);
    return subscription?.tenantId === tenantId ? subscription : undefined;
  }

  #deliveryOf(tenantId: string, webhookId: string, deliveryId: string): StoredDelivery | undefined {
    const stored = this.#deliveries.get(deliveryId);
    return stored && stored.record.webhookId === webhookId && this.#ofTenant(tenantId, webhookId) ? stored : undefined;
  }

  #deliveriesOf(webhookId: string): WebhookDeliveryRecord[] {
    return [...(this.#byWebhook.get(webhookId) ?? [])].map(
      (deliveryId) => (this.#deliveries.get(deliveryId) as StoredDelivery).record,
    );
  }

  #deleteDelivery(deliveryId: string): void {
    const stored = this.#deliveries.get(deliveryId);
    if (!stored) return;
    this.#deliveries.delete(deliveryId);
    this.#attempts.delete(deliveryId);
    const ofWebhook = this.#byWebhook.get(stored.record.webhookId);
    ofWebhook?.delete(deliveryId);
    if (ofWebhook?.size === 0) this.#byWebhook.delete(stored.record.webhookId);
    const ofRun = this.#byRun.get(stored.record.runId);
    ofRun?.delete(deliveryId);
    if (ofRun?.size === 0) this.#byRun.delete(stored.record.runId);
  }
}

/** Back to pending, due at `at`, with a fresh budget and no lease; its history stays. */
function requeue(stored: StoredDelivery, at: string): void {
  const delivery = stored.record;
  delivery.status = "pending";
  delivery.attempts = 0;
  delivery.nextAttemptAt = at;
  delivery.updatedAt = at;
  delivery.lease = null;
  stored.dueMs = instant(at);
}

function indexUnder(index: Map<string, Set<string>>, key: string, value: string): void {
  let values = index.get(key);
  if (!values) {
    values = new Set();
    index.set(key, values);
  }
  values.add(value);
}
