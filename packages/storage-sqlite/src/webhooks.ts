import { randomUUID } from "node:crypto";
import type {
  AttemptOutcome,
  DeadLetterSelection,
  RunEvent,
  WebhookDeliveryRecord,
  WebhookStatus,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import { StorageConflictError } from "@openwop/storage";
import type { WebhookStatements } from "./webhook-statements.js";
import { deliveryFromRow, dueFirst, epochMs, subscriptionFromRow, webhookParams } from "./webhook-rows.js";

/*
 * Webhook writes, each run inside the group commit's savepoint (see group-commit.ts), so each
 * is one transaction on its own, and the outbox shares the transaction of the step that
 * appends the events.
 */

/**
 * Takes `count` consecutive feed positions, resolving to the first. Inside the write
 * transaction, so positions are handed out in commit order.
 */
export function allocateFeedPositions(statements: WebhookStatements, count: number): number {
  const last = statements.allocateFeedPositions.get(count) ?? statements.resetFeedPositions.get(count);
  if (last === undefined) throw new Error("could not allocate feed positions");
  return last - count + 1;
}

/** The run the outbox writes for: its tags are read only when a subscription has tags to match. */
export interface OutboxRun {
  runId: string;
  tenantId: string;
  tags: () => readonly string[];
}

/**
 * The outbox: one delivery per appended event and subscription of the run's tenant whose
 * events contain its type and whose tags are empty or meet the run's. A tenant without
 * subscriptions costs one probe of `webhooks_by_tenant`. Resolves to how many were recorded.
 */
export function recordDeliveries(
  statements: WebhookStatements,
  run: OutboxRun,
  events: readonly RunEvent[],
  firstPosition: number,
): number {
  if (events.length === 0) return 0;
  const subscriptions = statements.selectOutboxSubscriptions.all(run.tenantId);
  if (subscriptions.length === 0) return 0;
  let runTags: readonly string[] | undefined;
  let recorded = 0;
  for (const subscription of subscriptions) {
    const tags = JSON.parse(subscription.tags_json) as string[];
    if (tags.length > 0) {
      runTags ??= run.tags();
      if (!tags.some((tag) => runTags?.includes(tag))) continue;
    }
    const types = new Set(JSON.parse(subscription.events_json) as string[]);
    events.forEach((event, index) => {
      if (!types.has(event.type)) return;
      statements.insertDelivery.run({
        deliveryId: `dlv_${randomUUID().replaceAll("-", "")}`,
        webhookId: subscription.webhook_id,
        tenantId: run.tenantId,
        runId: run.runId,
        sequence: event.sequence,
        eventType: event.type,
        feedPosition: firstPosition + index,
        timestamp: event.timestamp,
        dueMs: epochMs(event.timestamp),
      });
      recorded += 1;
    });
  }
  return recorded;
}

export function writeSubscription(statements: WebhookStatements, subscription: WebhookSubscriptionRecord): void {
  if (statements.insertWebhook.run(webhookParams(subscription)).changes === 0) {
    throw new StorageConflictError(`webhook ${subscription.webhookId} already exists`, "webhook-exists");
  }
}

/** Resolves to the record as stored (a failed one unchanged) and whether it was resumed. */
export function writeSubscriptionStatus(
  statements: WebhookStatements,
  tenantId: string,
  webhookId: string,
  status: Exclude<WebhookStatus, "failed">,
  at: string,
): { record: WebhookSubscriptionRecord; resumed: boolean } | null {
  const updated = statements.setWebhookStatus.get({ tenantId, webhookId, status, at });
  if (updated) return { record: subscriptionFromRow(updated), resumed: status === "active" };
  const current = statements.selectWebhook.get(tenantId, webhookId);
  return current ? { record: subscriptionFromRow(current), resumed: false } : null;
}

export function writeClaims(
  statements: WebhookStatements,
  holderId: string,
  now: number,
  leaseMs: number,
  limit: number,
): WebhookDeliveryRecord[] {
  if (limit <= 0) return [];
  const rows = statements.claimDeliveries.all({ holderId, now, expiresAt: now + leaseMs, limit });
  return rows.sort(dueFirst).map(deliveryFromRow);
}

/** See `WebhookStore.recordAttempt`: the attempt always, the outcome only under the holder's lease. */
export function writeAttempt(statements: WebhookStatements, outcome: AttemptOutcome): boolean {
  const delivery = statements.selectDeliveryForAttempt.get(outcome.deliveryId);
  if (!delivery) return false;
  const { attempt, result, now } = outcome;
  const params = {
    deliveryId: delivery.delivery_id,
    holderId: outcome.holderId,
    attempt: delivery.total_attempts + 1,
    startedAt: attempt.startedAt,
    address: attempt.address,
    statusCode: attempt.statusCode,
    latencyMs: attempt.latencyMs,
    error: attempt.error,
    responseExcerpt: attempt.responseExcerpt,
    kind: result.kind,
    nextAttemptAt: result.kind === "retry" ? result.nextAttemptAt : null,
    nextAttemptMs: result.kind === "retry" ? epochMs(result.nextAttemptAt) : null,
    lastError: attempt.error ?? (attempt.statusCode === null ? "the attempt failed" : `HTTP ${attempt.statusCode}`),
    now,
  };
  statements.insertAttempt.run(params);
  if (delivery.lease_holder_id !== outcome.holderId) {
    statements.countAttempt.run(delivery.delivery_id);
    return false;
  }
  statements.applyAttempt.run(params);
  statements.applyCircuit.run({
    webhookId: delivery.webhook_id,
    failed: result.kind === "delivered" ? 0 : 1,
    openAfterFailures: outcome.circuit.openAfterFailures,
    openUntil: outcome.circuit.openUntil,
    openUntilMs: epochMs(outcome.circuit.openUntil),
    budgetFailures: outcome.failureBudget.failures,
    windowMs: outcome.failureBudget.windowMs,
    now,
    nowMs: epochMs(now),
  });
  return true;
}

export function writeReplay(
  statements: WebhookStatements,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
  at: string,
): WebhookDeliveryRecord | null {
  const row = statements.replayDelivery.get({ tenantId, webhookId, deliveryId, at, atMs: epochMs(at) });
  return row ? deliveryFromRow(row) : null;
}

export function writeDeadLetterReplay(
  statements: WebhookStatements,
  tenantId: string,
  webhookId: string,
  selection: DeadLetterSelection,
  at: string,
): number {
  if (selection.limit <= 0) return 0;
  return statements.replayDeadLetters.run({
    tenantId,
    webhookId,
    since: selection.since ?? null,
    until: selection.until ?? null,
    typesJson: selection.eventTypes === undefined ? null : JSON.stringify(selection.eventTypes),
    limit: selection.limit,
    at,
    atMs: epochMs(at),
  }).changes;
}
