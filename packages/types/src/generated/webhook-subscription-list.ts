// generated — do not edit; run pnpm generate
// Source: schemas/webhook-subscription-list.schema.json (packages/types/scripts/generate.mjs).

import type { WebhookSubscription } from "./webhook-subscription.js";

/**
 * The 200 of GET /v1/webhooks: one page of the tenant's subscriptions, newest first.
 */
export interface WebhookSubscriptionList {
  /**
   * @maxItems 100
   */
  webhooks: WebhookSubscription[];
  nextCursor: string | null;
  [k: string]: unknown;
}
