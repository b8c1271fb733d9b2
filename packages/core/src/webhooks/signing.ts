import { createHash, createHmac, randomBytes } from "node:crypto";

/** The signature schemes a subscription may ask for (webhooks.md §2.1). */
export type WebhookSignatureScheme = "v1" | "standard-webhooks";

const STANDARD_WEBHOOKS_PREFIX = "whsec_";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The `v1` signature of webhooks.md §6: `sha256=` and the lower-case hex HMAC-SHA-256, keyed
 * with the secret's UTF-8 bytes, of `"{timestamp}.{rawBody}"` (the body's bytes as sent).
 */
export function signV1(secret: string, timestampSeconds: number, rawBody: string | Uint8Array): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${wholeSeconds(timestampSeconds)}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest("hex")}`;
}

/**
 * The key bytes of a secret under Standard Webhooks (webhooks.md §13.5): after a `whsec_`
 * prefix, the base64 that follows, decoded; any other secret, its UTF-8 bytes. Throws on a
 * `whsec_` secret whose rest is not base64 or is empty, so registration can refuse it.
 */
export function standardWebhooksKey(secret: string): Buffer {
  if (!secret.startsWith(STANDARD_WEBHOOKS_PREFIX)) return Buffer.from(secret, "utf8");
  const encoded = secret.slice(STANDARD_WEBHOOKS_PREFIX.length);
  if (encoded === "" || !BASE64.test(encoded)) {
    throw new Error("a whsec_ secret must be followed by non-empty standard base64");
  }
  return Buffer.from(encoded, "base64");
}

/**
 * The `webhook-signature` of Standard Webhooks (webhooks.md §13.5): `v1,` and the base64
 * HMAC-SHA-256, keyed with `standardWebhooksKey(secret)`, of `"{id}.{timestamp}.{rawBody}"`.
 */
export function signStandardWebhooks(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  rawBody: string | Uint8Array,
): string {
  const mac = createHmac("sha256", standardWebhooksKey(secret));
  mac.update(`${messageId}.${wholeSeconds(timestampSeconds)}.`);
  mac.update(rawBody);
  return `v1,${mac.digest("base64")}`;
}

/**
 * A new signing secret of 32 random bytes: 64 lower-case hex characters for `v1`
 * (webhooks.md §2.2), `whsec_` and their base64 for `standard-webhooks` (§13.5).
 */
export function generateWebhookSecret(scheme: WebhookSignatureScheme): string {
  const bytes = randomBytes(32);
  return scheme === "standard-webhooks"
    ? `${STANDARD_WEBHOOKS_PREFIX}${bytes.toString("base64")}`
    : bytes.toString("hex");
}

/** webhooks.md §2.2: the first 8 hex characters of the secret's SHA-256, safe to show and log. */
export function secretFingerprint(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex").slice(0, 8);
}

/** What the headers of one delivery attempt are made of. */
export interface DeliveryHeaderInput {
  readonly webhookId: string;
  /** The same for every attempt and replay of one delivery (webhooks.md §13.4). */
  readonly deliveryId: string;
  readonly eventType: string;
  /** The event's tenant-feed cursor (webhooks.md §15). */
  readonly cursor: string;
  /** The signing time, whole seconds since the epoch. */
  readonly timestampSeconds: number;
  readonly signatureScheme: WebhookSignatureScheme;
  readonly secret: string;
  /** The body exactly as it will be sent. */
  readonly rawBody: string | Uint8Array;
  /** `openwop-webhook-dispatcher/<host version>`. */
  readonly userAgent: string;
  readonly traceparent?: string;
}

/**
 * Every header of a delivery attempt: webhooks.md §5.1, §13.4, and under `standard-webhooks`
 * §13.5 as well (`webhook-id` is the delivery id, so it too is stable across attempts).
 */
export function deliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  const timestamp = String(wholeSeconds(input.timestampSeconds));
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": input.userAgent,
    "X-openwop-Webhook-Id": input.webhookId,
    "X-openwop-Delivery-Id": input.deliveryId,
    "X-openwop-Event-Type": input.eventType,
    "X-openwop-Cursor": input.cursor,
    "X-openwop-Timestamp": timestamp,
    "X-openwop-Signature": signV1(input.secret, input.timestampSeconds, input.rawBody),
    "X-openwop-Signature-Algorithm": "v1",
  };
  if (input.traceparent !== undefined) headers["traceparent"] = input.traceparent;
  if (input.signatureScheme === "standard-webhooks") {
    headers["webhook-id"] = input.deliveryId;
    headers["webhook-timestamp"] = timestamp;
    headers["webhook-signature"] = signStandardWebhooks(
      input.secret,
      input.deliveryId,
      input.timestampSeconds,
      input.rawBody,
    );
  }
  return headers;
}

/** Past this many seconds (the year 5138) a timestamp is milliseconds by mistake. */
const MAX_SECONDS = 1e11;

function wholeSeconds(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError("a webhook timestamp is a non-negative whole number of seconds");
  }
  if (value >= MAX_SECONDS) throw new RangeError("a webhook timestamp is in seconds, not milliseconds");
  return value;
}
