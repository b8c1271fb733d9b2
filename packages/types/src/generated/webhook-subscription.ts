// generated — do not edit; run pnpm generate
// Source: schemas/webhook-subscription.schema.json (packages/types/scripts/generate.mjs).

/**
 * v1: the X-openwop-Signature of webhooks.md §6; standard-webhooks: those headers plus webhook-id, webhook-timestamp and webhook-signature.
 */
export type WebhookSignature = "v1" | "standard-webhooks";
/**
 * active: delivered to; paused: deliveries are recorded and wait; failed: marked by the circuit breaker's weekly budget (webhooks.md §8.2), receives nothing more.
 */
export type WebhookStatus = "active" | "paused" | "failed";

/**
 * A webhook subscription as GET /v1/webhooks/{webhookId} answers it (webhooks.md §12.2). Open like every response body, except that it never carries the secret.
 */
export interface WebhookSubscription {
  webhookId: string;
  url: string;
  /**
   * @minItems 1
   */
  events: [string, ...string[]];
  tags: string[];
  signature: WebhookSignature;
  /**
   * The first 8 hex characters of the SHA-256 of the secret.
   */
  secretFingerprint: string;
  status: WebhookStatus;
  circuit: WebhookCircuit;
  createdAt: string;
  updatedAt: string;
  secret?: never;
  [k: string]: unknown;
}
export interface WebhookCircuit {
  open: boolean;
  openUntil: string | null;
  consecutiveFailures: number;
  [k: string]: unknown;
}

/** Every {@link WebhookSignature}, in schema order. */
export const WEBHOOK_SIGNATURE_VALUES = ["v1", "standard-webhooks"] as const satisfies readonly WebhookSignature[];

/** Every {@link WebhookStatus}, in schema order. */
export const WEBHOOK_STATUS_VALUES = ["active", "paused", "failed"] as const satisfies readonly WebhookStatus[];
