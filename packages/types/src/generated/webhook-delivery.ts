// generated — do not edit; run pnpm generate
// Source: schemas/webhook-delivery.schema.json (packages/types/scripts/generate.mjs).

/**
 * pending: due or not yet attempted; failed: the last attempt failed and another is scheduled; delivered: a 2xx was received; dead_lettered: the attempt budget is spent.
 */
export type DeliveryStatus = "pending" | "failed" | "delivered" | "dead_lettered";

/**
 * One event bound for one subscription (webhooks.md §14); GET .../deliveries/{deliveryId} adds its attempts.
 */
export interface WebhookDelivery {
  deliveryId: string;
  webhookId: string;
  runId: string;
  sequence: number;
  eventType: string;
  /**
   * The event's position in the tenant event feed.
   */
  cursor: string;
  status: DeliveryStatus;
  /**
   * Failed attempts counted against the budget since the delivery was created or last replayed; a delivered one does not count.
   */
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  attemptLog?: WebhookAttempt[];
  [k: string]: unknown;
}
export interface WebhookAttempt {
  /**
   * 1 for the delivery's first attempt ever, then counting up across replays.
   */
  attempt: number;
  startedAt: string;
  /**
   * The IP address connected to, when one was.
   */
  address: string | null;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /**
   * At most the first 1 KiB of the answer, as text.
   */
  responseExcerpt: string | null;
  [k: string]: unknown;
}

/** Every {@link DeliveryStatus}, in schema order. */
export const DELIVERY_STATUS_VALUES = ["pending", "failed", "delivered", "dead_lettered"] as const satisfies readonly DeliveryStatus[];
