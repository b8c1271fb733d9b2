import { verifyWebhookSignature } from "@openwop/client";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  deliveryHeaders,
  generateWebhookSecret,
  secretFingerprint,
  signStandardWebhooks,
  signV1,
  standardWebhooksKey,
} from "./signing.js";

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ runId: "run-1", workspaceId: "t1", event: { type: "run.completed", sequence: 2 } });
const CALLER_SECRET = "a caller-chosen secret of at least 32 characters";

/** A receiver of Standard Webhooks, with the maintained library, for a secret as §13.5 reads it. */
function standardReceiver(secret: string): Webhook {
  return secret.startsWith("whsec_")
    ? new Webhook(secret)
    : new Webhook(Buffer.from(secret, "utf8"), { format: "raw" });
}

describe("signV1", () => {
  it("matches a vector computed outside this code", () => {
    expect(signV1("whsec-not-a-prefix-just-a-long-v1-secret", 1767225600, '{"hello":"world"}')).toBe(
      "sha256=8436f01ef6a280f3a25bb240d1da9c93e83f33a9dc3621986b1946e2487fa685",
    );
  });

  it("is verified by @openwop/client's verifyWebhookSignature, for text and bytes", () => {
    const secret = generateWebhookSecret("v1");
    const ts = now();
    const signature = signV1(secret, ts, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, ts, body, signature)).toBe(true);
    expect(signV1(secret, ts, Buffer.from(body))).toBe(signature);
    expect(verifyWebhookSignature(secret, String(ts), Buffer.from(body), signature)).toBe(true);
  });

  it("fails verification for another secret, body or timestamp", () => {
    const ts = now();
    const signature = signV1(CALLER_SECRET, ts, body);
    expect(verifyWebhookSignature(CALLER_SECRET, ts, body, signature)).toBe(true);
    expect(verifyWebhookSignature(`${CALLER_SECRET}!`, ts, body, signature)).toBe(false);
    expect(verifyWebhookSignature(CALLER_SECRET, ts, `${body} `, signature)).toBe(false);
    expect(verifyWebhookSignature(CALLER_SECRET, ts - 1, body, signature)).toBe(false);
  });

  it("refuses a timestamp that is not whole seconds", () => {
    expect(() => signV1(CALLER_SECRET, 1.5, body)).toThrow(RangeError);
    expect(() => signV1(CALLER_SECRET, -1, body)).toThrow(RangeError);
    expect(() => signV1(CALLER_SECRET, Date.now(), body)).toThrow(/milliseconds/);
  });
});

describe("signStandardWebhooks", () => {
  it("matches the Standard Webhooks specification's published example", () => {
    expect(
      signStandardWebhooks(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("keys a caller-chosen secret without the prefix with its UTF-8 bytes", () => {
    expect(signStandardWebhooks(CALLER_SECRET, "msg_01", 1767225600, '{"hello":"world"}')).toBe(
      "v1,YFjbnL1YxUt1mMKmMgXT1OQVcTHBWiFakx6+1hQzH0Y=",
    );
  });

  it.each([
    ["a generated whsec_ secret", generateWebhookSecret("standard-webhooks")],
    ["a caller-chosen whsec_ secret", `whsec_${Buffer.from("thirty-two bytes of caller key!!").toString("base64")}`],
    ["a caller-chosen plain secret", CALLER_SECRET],
    ["a caller-chosen plain secret beyond ASCII", `${CALLER_SECRET} — clé secrète`],
  ])("is verified by the standardwebhooks library for %s", (_label, secret) => {
    const ts = now();
    const headers = {
      "webhook-id": "dlv_01",
      "webhook-timestamp": String(ts),
      "webhook-signature": signStandardWebhooks(secret, "dlv_01", ts, body),
    };
    expect(standardReceiver(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => standardReceiver(secret).verify(`${body} `, headers)).toThrow();
    expect(() => standardReceiver(secret).verify(body, { ...headers, "webhook-id": "dlv_02" })).toThrow();
    const other = secret.startsWith("whsec_") ? generateWebhookSecret("standard-webhooks") : `${secret}x`;
    expect(() => standardReceiver(other).verify(body, headers)).toThrow(/No matching signature/);
  });

  it("reads whsec_ secrets as base64 and refuses one that is not", () => {
    const raw = Buffer.alloc(32, 7);
    expect(standardWebhooksKey(`whsec_${raw.toString("base64")}`)).toEqual(raw);
    expect(standardWebhooksKey("plain secret")).toEqual(Buffer.from("plain secret", "utf8"));
    for (const bad of ["whsec_", "whsec_not base64!", "whsec_abc", "whsec_YWJj=="]) {
      expect(() => standardWebhooksKey(bad)).toThrow(/base64/);
    }
  });
});

describe("generateWebhookSecret", () => {
  it("makes 32 random bytes as 64 lower-case hex for v1", () => {
    const a = generateWebhookSecret("v1");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateWebhookSecret("v1")).not.toBe(a);
  });

  it("makes whsec_ and the base64 of 32 random bytes for standard-webhooks", () => {
    const a = generateWebhookSecret("standard-webhooks");
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret("standard-webhooks")).not.toBe(a);
  });
});

describe("secretFingerprint", () => {
  it("is the first 8 hex characters of the secret's SHA-256", () => {
    expect(secretFingerprint("abc")).toBe("ba7816bf");
    expect(secretFingerprint(CALLER_SECRET)).toMatch(/^[0-9a-f]{8}$/);
    expect(secretFingerprint(CALLER_SECRET)).not.toBe(secretFingerprint(`${CALLER_SECRET}.`));
  });
});

describe("deliveryHeaders", () => {
  const base = {
    webhookId: "wh_01",
    deliveryId: "dlv_01",
    eventType: "run.completed",
    cursor: "Y3Vyc29y",
    userAgent: "openwop-webhook-dispatcher/0.1.0",
    rawBody: body,
  };

  it("carries the headers of §5.1 and §13.4 for v1, and a signature the client verifies", () => {
    const secret = generateWebhookSecret("v1");
    const ts = now();
    const headers = deliveryHeaders({ ...base, secret, timestampSeconds: ts, signatureScheme: "v1" });
    expect(headers).toEqual({
      "Content-Type": "application/json",
      "User-Agent": "openwop-webhook-dispatcher/0.1.0",
      "X-openwop-Webhook-Id": "wh_01",
      "X-openwop-Delivery-Id": "dlv_01",
      "X-openwop-Event-Type": "run.completed",
      "X-openwop-Cursor": "Y3Vyc29y",
      "X-openwop-Timestamp": String(ts),
      "X-openwop-Signature": signV1(secret, ts, body),
      "X-openwop-Signature-Algorithm": "v1",
    });
    expect(
      verifyWebhookSignature(secret, headers["X-openwop-Timestamp"] ?? "", body, headers["X-openwop-Signature"] ?? ""),
    ).toBe(true);
    expect(Object.values(headers).join("\n")).not.toContain(secret);
  });

  it("adds traceparent when one is given", () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const headers = deliveryHeaders({
      ...base,
      secret: CALLER_SECRET,
      timestampSeconds: now(),
      signatureScheme: "v1",
      traceparent,
    });
    expect(headers["traceparent"]).toBe(traceparent);
  });

  it.each([
    ["a generated secret", generateWebhookSecret("standard-webhooks")],
    ["a caller-chosen plain secret", CALLER_SECRET],
  ])("adds the Standard Webhooks headers for standard-webhooks, with %s, verified by both libraries", (_l, secret) => {
    const ts = now();
    const headers = deliveryHeaders({ ...base, secret, timestampSeconds: ts, signatureScheme: "standard-webhooks" });
    expect(headers["webhook-id"]).toBe("dlv_01");
    expect(headers["webhook-timestamp"]).toBe(String(ts));
    expect(headers["webhook-timestamp"]).toBe(headers["X-openwop-Timestamp"]);
    expect(standardReceiver(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // The v1 headers stay, keyed with the secret as text.
    expect(headers["X-openwop-Signature-Algorithm"]).toBe("v1");
    expect(verifyWebhookSignature(secret, ts, body, headers["X-openwop-Signature"] ?? "")).toBe(true);
  });

  it("leaves the Standard Webhooks headers out of a v1 delivery", () => {
    const headers = deliveryHeaders({ ...base, secret: CALLER_SECRET, timestampSeconds: now(), signatureScheme: "v1" });
    expect(Object.keys(headers).filter((name) => name.startsWith("webhook-"))).toEqual([]);
    expect(headers).not.toHaveProperty("traceparent");
  });

  it("refuses a timestamp that is not whole seconds", () => {
    for (const timestampSeconds of [now() + 0.5, Date.now()]) {
      expect(() =>
        deliveryHeaders({ ...base, secret: CALLER_SECRET, timestampSeconds, signatureScheme: "v1" }),
      ).toThrow(RangeError);
    }
  });
});
