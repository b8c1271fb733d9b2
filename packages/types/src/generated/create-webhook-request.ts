// generated — do not edit; run pnpm generate
// Source: schemas/create-webhook-request.schema.json (packages/types/scripts/generate.mjs).

import type { WebhookSignature } from "./webhook-subscription.js";

/**
 * Body of POST /v1/webhooks (webhooks.md §2.1). Closed.
 */
export interface CreateWebhookRequest {
  /**
   * An absolute URL; https unless the host allows private URLs (§4.3).
   */
  url: string;
  /**
   * @minItems 1
   * @maxItems 100
   */
  events: [string, ...string[]];
  tenantId?: string;
  /**
   * @maxItems 100
   */
  tags?: string[];
  /**
   * A caller-chosen signing secret; generated when absent.
   */
  secret?: string;
  signature?: WebhookSignature;
}
