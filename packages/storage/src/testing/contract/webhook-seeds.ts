import type { AttemptOutcome, StorageAdapter } from "../../adapter.js";
import type {
  NewRunEvent,
  NewRunRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookSubscriptionRecord,
} from "../../records.js";
import { isoAt, newRun, newSubscription, T0 } from "../fixtures.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** When the kit's dispatchers claim: after the events {@link newRun} and `newEvent` stamp (T0 + 1 ms), so they are due. */
export const CLAIM_AT = T0 + 1_000;
/** How long the kit's leases last. */
export const LEASE_MS = 30_000;

export async function seedSubscription(
  adapter: StorageAdapter,
  overrides: Partial<WebhookSubscriptionRecord> = {},
): Promise<WebhookSubscriptionRecord> {
  const subscription = newSubscription(overrides);
  await adapter.createSubscription(subscription);
  return subscription;
}

/** Every delivery of the subscription (in any status), as `listDeliveries` serves them. */
export async function deliveriesOf(
  adapter: StorageAdapter,
  subscription: WebhookSubscriptionRecord,
  filter: { runId?: string } = {},
): Promise<WebhookDeliveryRecord[]> {
  return adapter.listDeliveries(subscription.tenantId, subscription.webhookId, { limit: 10_000, ...filter });
}

/**
 * Creates a run of the subscription's tenant with `events` and resolves to its id and the
 * deliveries the subscription got for it, in the order of their events.
 */
export async function seedDeliveries(
  adapter: StorageAdapter,
  subscription: WebhookSubscriptionRecord,
  events: NewRunEvent[],
  runOverrides: Partial<NewRunRecord> = {},
): Promise<{ runId: string; deliveries: WebhookDeliveryRecord[] }> {
  const run = newRun({ tenantId: subscription.tenantId, ...runOverrides });
  await adapter.createRun({ run, events });
  const deliveries = await deliveriesOf(adapter, subscription, { runId: run.runId });
  return { runId: run.runId, deliveries: deliveries.sort((a, b) => a.sequence - b.sequence) };
}

/** The attempt an {@link attemptOutcome} reports unless told otherwise: a 503 from a documentation address. */
export const FAILED_ATTEMPT: Omit<WebhookAttemptRecord, "deliveryId" | "attempt"> = {
  startedAt: isoAt(2_000),
  address: "203.0.113.7",
  statusCode: 503,
  latencyMs: 12.5,
  error: null,
  responseExcerpt: "upstream unavailable",
};

/**
 * An attempt's outcome as a dispatcher reports it: by default a 503 to retry in an hour, with
 * a circuit that opens after 4 failures in a row for an hour and a budget of 100 failures a week.
 */
export function attemptOutcome(
  deliveryId: string,
  holderId: string,
  overrides: Partial<AttemptOutcome> = {},
): AttemptOutcome {
  return {
    deliveryId,
    holderId,
    attempt: { ...FAILED_ATTEMPT },
    result: { kind: "retry", nextAttemptAt: isoAt(HOUR) },
    circuit: { openAfterFailures: 4, openUntil: isoAt(2 * HOUR) },
    failureBudget: { failures: 100, windowMs: 7 * DAY },
    now: isoAt(3_000),
    ...overrides,
  };
}

/** A 200 answer, delivered. */
export function deliveredOutcome(
  deliveryId: string,
  holderId: string,
  overrides: Partial<AttemptOutcome> = {},
): AttemptOutcome {
  return attemptOutcome(deliveryId, holderId, {
    attempt: { ...FAILED_ATTEMPT, statusCode: 200, responseExcerpt: "ok" },
    result: { kind: "delivered" },
    ...overrides,
  });
}

/** Claims everything due at `now` for `holderId` and resolves to the ids it got, sorted. */
export async function claimIds(
  adapter: StorageAdapter,
  holderId: string,
  now = CLAIM_AT,
  limit = 1_000,
): Promise<string[]> {
  const claimed = await adapter.claimDueDeliveries(holderId, now, LEASE_MS, limit);
  return claimed.map((delivery) => delivery.deliveryId).sort();
}

/** Newest first, as `listDeliveries` orders: `createdAt`, then `deliveryId`, both descending, by code unit. */
export function newestFirst(a: WebhookDeliveryRecord, b: WebhookDeliveryRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.deliveryId < b.deliveryId ? 1 : a.deliveryId > b.deliveryId ? -1 : 0;
}
