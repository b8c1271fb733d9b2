import { createHash } from "node:crypto";
import type { RawResponse } from "@openwop/client";
import { validateIssuedApiKey } from "@openwop/schema";
import type { ApiKeyKind, ErrorCode, IssuedApiKey } from "@openwop/types";
import type { Assertions } from "../runner/assertions.js";
import { discoveryValue } from "../runner/gates.js";
import type { ScenarioContext } from "../runner/scenario.js";
import { assertErrorEnvelope } from "./error-envelope.js";
import { assertSchemaValid } from "./schema-checks.js";

/** Every key the suite issues carries this label, so an operator can tell them apart. */
export const SUITE_KEY_LABEL = "openwop-conformance";

export const keyPath = (keyId: string) => `/v1/keys/${encodeURIComponent(keyId)}`;

/** A `POST /v1/keys` body (schemas/create-api-key-request.schema.json); the label defaults to the suite's. */
export interface KeyRequest {
  readonly scopes: readonly string[];
  readonly kind?: ApiKeyKind;
  readonly label?: string;
  readonly expiresAt?: string;
}

/** Interval between two checks of a key that is about to stop working. */
export const KEY_POLL_INTERVAL_MS = 100;

/**
 * Issues a key with the primary key (or `issuer`), asserts the 201 contract of auth.md §10.3
 * (status, `issued-api-key` schema, `Cache-Control: no-store`) and revokes it on cleanup.
 */
export async function issueKey(context: ScenarioContext, request: KeyRequest, issuer?: string): Promise<IssuedApiKey> {
  // Setup: a scenario that wants the issuing answer as evidence checks it with its own assert.
  const assert: Assertions = context.setupAssert;
  const response = await context.client.raw("POST", "/v1/keys", {
    body: { label: SUITE_KEY_LABEL, ...request },
    ...(issuer === undefined ? {} : { auth: issuer }),
  });
  const keyId = (response.body as { keyId?: unknown } | undefined)?.keyId;
  if (typeof keyId === "string") context.defer(() => revokeQuietly(context, keyId));
  assert.equal(
    response.status,
    201,
    `POST /v1/keys ${JSON.stringify(request.scopes)} (answer ${response.text.slice(0, 200)}): status`,
  );
  assertIssuedAnswer(assert, response, "POST /v1/keys");
  return response.body as IssuedApiKey;
}

/** The parts every issuing answer shares (auth.md §10.3, §10.6): schema, no-store, the prefix. */
export function assertIssuedAnswer(assert: Assertions, response: RawResponse, label: string): void {
  assertSchemaValid(assert, validateIssuedApiKey, response.body, `${label} answer`);
  assert.match(response.headers.get("cache-control"), /\bno-store\b/i, `${label}: Cache-Control carries no-store`);
  const issued = response.body as IssuedApiKey;
  assert.ok(
    issued.key.startsWith(issued.prefix) && issued.key.length > issued.prefix.length,
    `${label}: prefix ${JSON.stringify(issued.prefix)} is the visible start of the secret, shorter than it`,
  );
}

/** Best-effort revocation for cleanup; an already revoked or vanished key is fine. */
export async function revokeQuietly(context: ScenarioContext, keyId: string): Promise<void> {
  await context.client.raw("DELETE", keyPath(keyId)).catch(() => undefined);
}

/** `GET /v1/keys/self` with `secret`: the cheapest request any valid key may make. */
export function selfWith(context: ScenarioContext, secret: string): Promise<RawResponse> {
  return context.client.raw("GET", "/v1/keys/self", { auth: secret });
}

/** The advertised `keys.revocationPropagationSeconds`, in milliseconds. */
export function propagationMs(context: ScenarioContext): number {
  const seconds = discoveryValue(context.discovery, "keys.revocationPropagationSeconds");
  context.assert.ok(
    typeof seconds === "number" && Number.isInteger(seconds) && seconds >= 0 && seconds <= 60,
    `keys.revocationPropagationSeconds must be an integer in 0..60 (got ${String(seconds)})`,
  );
  return seconds * 1000;
}

/** Asserts that a `401` names the Bearer scheme in `WWW-Authenticate` (auth.md §4.1, §10.8). */
export function assertBearerChallenge(assert: Assertions, response: RawResponse, label: string): void {
  assert.match(
    response.headers.get("www-authenticate"),
    /^\s*Bearer(?:\s|,|$)/i,
    `${label}: WWW-Authenticate names the Bearer scheme`,
  );
}

/**
 * Asserts that `text` (a response body) carries neither `secret` nor a digest of it: no
 * SHA-256 of the secret in hex, base64 or base64url, and no 64-hex string at all (an HMAC
 * with a server-side secret cannot be recomputed, but it would look like one).
 */
export function assertNoSecretMaterial(assert: Assertions, text: string, secret: string, label: string): void {
  assert.ok(!text.includes(secret), `${label} must not contain the key's secret`);
  const digest = createHash("sha256").update(secret).digest();
  for (const encoded of [digest.toString("hex"), digest.toString("base64"), digest.toString("base64url")]) {
    assert.ok(!text.includes(encoded), `${label} must not contain the SHA-256 digest of the secret`);
  }
  const hex = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i.exec(text);
  assert.ok(hex === null, `${label} must not contain a 64-hex digest (found ${hex?.[0] ?? ""})`);
}

export interface RefusalSeen {
  readonly response: RawResponse;
  /** When the refused request was sent (`Date.now()`). */
  readonly sentAt: number;
  /** When its answer arrived. */
  readonly answeredAt: number;
}

/**
 * Checks `GET /v1/keys/self` with `secret` every {@link KEY_POLL_INTERVAL_MS} until it is
 * refused, then asserts the refusal: `401` with `code` and a Bearer challenge. A request sent
 * after `deadline` (a `Date.now()` instant) that is still answered `200` fails the scenario;
 * so does any refusal other than the expected one.
 */
export async function waitForKeyRefusal(
  context: ScenarioContext,
  secret: string,
  code: ErrorCode,
  deadline: number,
  label: string,
): Promise<RefusalSeen> {
  const assert: Assertions = context.assert;
  for (;;) {
    const sentAt = Date.now();
    const response = await selfWith(context, secret);
    const answeredAt = Date.now();
    if (response.status !== 200) {
      assertErrorEnvelope(assert, response, { code }, label);
      assertBearerChallenge(assert, response, label);
      return { response, sentAt, answeredAt };
    }
    if (sentAt > deadline) {
      return assert.fail(
        `${label}: GET /v1/keys/self sent ${sentAt - deadline} ms after the bound was still answered 200`,
      );
    }
    if (context.signal.aborted) return assert.fail(`${label}: the scenario ran out of time`);
    await context.sleep(KEY_POLL_INTERVAL_MS);
  }
}
