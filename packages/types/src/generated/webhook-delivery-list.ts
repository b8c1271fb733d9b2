// generated — do not edit; run pnpm generate
// Source: schemas/webhook-delivery-list.schema.json (packages/types/scripts/generate.mjs).

import type { WebhookDelivery } from "./webhook-delivery.js";

/**
 * The 200 of GET /v1/webhooks/{webhookId}/deliveries: one page, newest first.
 */
export interface WebhookDeliveryList {
  /**
   * @maxItems 100
   */
  deliveries: WebhookDelivery[];
  nextCursor: string | null;
  [k: string]: unknown;
}
