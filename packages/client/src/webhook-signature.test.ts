import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "./webhook-signature.js";

const secret = "a".repeat(64);
const body = '{"runId":"run-1","event":{"type":"run.completed"}}';
const now = 1_790_000_000;
const sign = (timestamp: number, raw: string, key = secret) =>
  `sha256=${createHmac("sha256", key).update(`${timestamp}.${raw}`).digest("hex")}`;

describe("verifyWebhookSignature", () => {
  it("accepts a signature over timestamp.rawBody, with or without the sha256= prefix", () => {
    const header = sign(now, body);
    expect(verifyWebhookSignature(secret, String(now), body, header, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature(secret, now, Buffer.from(body), header.slice(7), { nowSeconds: now })).toBe(true);
  });

  it("rejects a changed body, a wrong secret and a malformed header", () => {
    const header = sign(now, body);
    expect(verifyWebhookSignature(secret, now, `${body} `, header, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature("other", now, body, header, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(secret, now, body, "sha256=zz", { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(secret, now, body, "", { nowSeconds: now })).toBe(false);
  });

  it("accepts timestamps up to 300 s off either way and rejects beyond", () => {
    for (const skew of [-300, 300]) {
      expect(verifyWebhookSignature(secret, now + skew, body, sign(now + skew, body), { nowSeconds: now })).toBe(true);
    }
    for (const skew of [-301, 301]) {
      expect(verifyWebhookSignature(secret, now + skew, body, sign(now + skew, body), { nowSeconds: now })).toBe(false);
    }
    expect(verifyWebhookSignature(secret, "soon", body, sign(now, body), { nowSeconds: now })).toBe(false);
  });
});
