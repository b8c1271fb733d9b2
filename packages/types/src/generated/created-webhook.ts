// generated — do not edit; run pnpm generate
// Source: schemas/created-webhook.schema.json (packages/types/scripts/generate.mjs).

/**
 * The 201 of POST /v1/webhooks (webhooks.md §2.2): the only answer that carries the secret.
 */
export interface CreatedWebhook {
  webhookId: string;
  /**
   * The same value as webhookId, for clients written against that name.
   */
  subscriptionId?: string;
  secret: string;
  secretFingerprint: string;
  [k: string]: unknown;
}
