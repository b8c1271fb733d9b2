import { createHmac, timingSafeEqual } from "node:crypto";

export interface VerifyWebhookOptions {
  /** Seconds since the epoch to judge the timestamp against; defaults to now. */
  readonly nowSeconds?: number;
  /** Accepted clock skew either side, in seconds. The v1 contract fixes it at 300. */
  readonly toleranceSeconds?: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks an OpenWOP v1 webhook signature: HMAC-SHA256 over `"{timestamp}.{rawBody}"`, sent
 * as `sha256=<hex>` (a bare hex digest is accepted too). The timestamp must be within ±300 s,
 * so a captured delivery cannot be replayed later; digests are compared in constant time so
 * the comparison leaks nothing about how many leading characters matched.
 *
 * @example
 * const ok = verifyWebhookSignature(secret, req.headers["x-openwop-timestamp"], rawBody, req.headers["x-openwop-signature"]);
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number,
  rawBody: string | Uint8Array,
  signatureHeader: string,
  options: VerifyWebhookOptions = {},
): boolean {
  const timestampText = String(timestamp).trim();
  if (!/^\d+$/.test(timestampText)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestampText)) > (options.toleranceSeconds ?? 300)) return false;

  const provided = signatureHeader.trim().replace(/^sha256=/i, "");
  if (!HEX_SHA256.test(provided)) return false;

  const mac = createHmac("sha256", secret);
  mac.update(`${timestampText}.`);
  mac.update(rawBody);
  const expected = mac.digest();
  return timingSafeEqual(expected, Buffer.from(provided, "hex"));
}
