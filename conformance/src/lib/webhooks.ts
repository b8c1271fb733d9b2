import { createHash, createHmac, randomUUID } from "node:crypto";
import type { RawResponse } from "@openwop/client";
import { validateCreatedWebhook, validateRunEvent, validateWebhookDelivery } from "@openwop/schema";
import type { CreatedWebhook, CreateWebhookRequest, WebhookDelivery } from "@openwop/types";
import type { Assertions } from "../runner/assertions.js";
import { discoveryValue } from "../runner/gates.js";
import type { ScenarioContext, SuiteOptions } from "../runner/scenario.js";
import { cancelQuietly } from "./runs.js";
import { assertSchemaValid } from "./schema-checks.js";
import type { ReceivedRequest } from "./webhook-receiver.js";

/**
 * A public `https` URL (an RFC 5737 documentation address, so no name to resolve) for
 * subscriptions that must never deliver: they carry a tag no run has, or stay paused.
 */
export const QUIET_WEBHOOK_URL = "https://192.0.2.10/openwop-conformance";

/** Slack on top of every advertised or expected bound, for the round trips of the checks. */
export const DELIVERY_MARGIN_MS = 10_000;

/** How long "nothing arrives" is watched for; a delivery to loopback takes milliseconds. */
export const QUIET_PERIOD_MS = 2_000;

/** The longest the retry scenarios agree to wait for the host's advertised backoff. */
export const MAX_RETRY_WAIT_MS = 60_000;

/** The circuit of webhooks.md §8.2 opens after this many consecutive failed attempts. */
export const CIRCUIT_THRESHOLD = 4;

export const webhookPath = (webhookId: string) => `/v1/webhooks/${encodeURIComponent(webhookId)}`;
export const deliveryPath = (webhookId: string, deliveryId: string) =>
  `${webhookPath(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}`;

/** A tag no other run carries: subscriptions filtered on it see only the scenario's own runs. */
export const uniqueTag = (label: string) => `openwop-conformance-${label}-${randomUUID()}`;

/** Whether the host accepts the suite's loopback receiver (webhooks.md §4.3): flag or manifest seam. */
export function privateWebhookUrls(options: SuiteOptions): boolean {
  return options.webhookPrivateUrls === true || options.hostManifest?.manifest.testSeams?.webhookPrivateUrls === true;
}

export const PRIVATE_URLS_INAPPLICABLE =
  "this configuration refuses the suite's loopback receiver, as webhooks.md §4.1 requires without the development override: delivery is tested against the host run with its override (§4.3; the example hosts: OPENWOP_WEBHOOK_ALLOW_PRIVATE=true) and --webhook-private-urls or a --host-manifest with testSeams.webhookPrivateUrls";

/**
 * Ends the scenario as inapplicable unless the private-URL seam is on. Not a skip: a host
 * that must refuse loopback receivers cannot be tested against one, and the configuration
 * that can is a run of its own. Like a skip it denies the profile's claim in this run.
 */
export function requirePrivateUrls(context: ScenarioContext): void {
  if (!privateWebhookUrls(context.options)) context.inapplicable(PRIVATE_URLS_INAPPLICABLE);
}

/** The first 8 hex characters of the SHA-256 of the secret (webhooks.md §2.2). */
export const fingerprintOf = (secret: string) => createHash("sha256").update(secret).digest("hex").slice(0, 8);

/** The `v1` signature of webhooks.md §6, computed here rather than with the client's helper. */
export function v1Signature(secret: string, timestamp: string, raw: Buffer): string {
  return createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(raw).digest("hex");
}

/** The key bytes of a Standard Webhooks secret (webhooks.md §13.5). */
function standardSecretBytes(secret: string): Buffer {
  return secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
}

export interface RegisterOptions {
  /** Another key than the primary (the subscription is deleted with it on cleanup). */
  readonly auth?: string;
  readonly idempotencyKey?: string;
}

/** Best-effort removal for cleanup; an already removed subscription is fine. */
export async function deleteQuietly(context: ScenarioContext, webhookId: string, auth?: string): Promise<void> {
  await context.client.raw("DELETE", webhookPath(webhookId), auth === undefined ? {} : { auth }).catch(() => undefined);
}

/**
 * `POST /v1/webhooks`, asserting the 201 of webhooks.md §2.2 (`created-webhook`, the
 * fingerprint of the secret it shows); the subscription is removed on cleanup.
 */
export async function registerWebhook(
  context: ScenarioContext,
  body: CreateWebhookRequest,
  options: RegisterOptions = {},
): Promise<{ readonly created: CreatedWebhook; readonly response: RawResponse }> {
  // Setup: a scenario that wants the 201 as evidence checks it with its own assert.
  const assert: Assertions = context.setupAssert;
  const response = await context.client.raw("POST", "/v1/webhooks", {
    body,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.idempotencyKey === undefined ? {} : { headers: { "idempotency-key": options.idempotencyKey } }),
  });
  const webhookId = (response.body as { webhookId?: unknown } | undefined)?.webhookId;
  if (typeof webhookId === "string") context.defer(() => deleteQuietly(context, webhookId, options.auth));
  assert.equal(
    response.status,
    201,
    `POST /v1/webhooks ${JSON.stringify(body.events)} (answer ${response.text.slice(0, 200)}): status`,
  );
  assertCreatedAnswer(assert, response, "POST /v1/webhooks");
  return { created: response.body as CreatedWebhook, response };
}

/** The parts of webhooks.md §2.2 every 201 of `POST /v1/webhooks` shares. */
export function assertCreatedAnswer(assert: Assertions, response: RawResponse, label: string): void {
  assertSchemaValid(assert, validateCreatedWebhook, response.body, `${label} answer`);
  const created = response.body as CreatedWebhook;
  assert.equal(
    created.secretFingerprint,
    fingerprintOf(created.secret),
    `${label}: secretFingerprint is the first 8 hex characters of the SHA-256 of the secret`,
  );
  if (created.subscriptionId !== undefined)
    assert.equal(created.subscriptionId, created.webhookId, `${label}: subscriptionId, when present, is the webhookId`);
}

/** Asserts that an answer after registration carries neither the secret nor a `secret` member. */
export function assertNoSecret(assert: Assertions, response: RawResponse, secret: string, label: string): void {
  assert.ok(!response.text.includes(secret), `${label} must not contain the subscription's secret`);
  assert.ok(!/"secret"\s*:/.test(response.text), `${label} must not carry a secret member`);
}

/** Creates a run carrying `tag` with the primary key (or `auth`); cancelled on cleanup if unfinished. */
export async function startTaggedRun(
  context: ScenarioContext,
  tag: string,
  options: { readonly workflowId?: string; readonly auth?: string } = {},
): Promise<string> {
  const workflowId = options.workflowId ?? "conformance-noop";
  const client = options.auth === undefined ? context.client : context.clientWithKey(options.auth);
  const response = await client.raw("POST", "/v1/runs", { body: { workflowId, tags: [tag] } });
  // Setup: the run is the scenario's precondition, not its evidence.
  context.setupAssert.equal(response.status, 201, `POST /v1/runs (${workflowId}, tagged) status`);
  const runId = (response.body as { runId?: unknown } | undefined)?.runId;
  context.setupAssert.isString(runId, `POST /v1/runs (${workflowId}, tagged) runId`);
  if (options.auth === undefined) context.defer(() => cancelQuietly(context, runId));
  return runId;
}

/** Scenarios already told that deliveries lack `traceparent`: one note each is enough. */
const tracelessNoted = new WeakSet<ScenarioContext>();

export interface DeliveryFacts {
  readonly event: Record<string, unknown>;
  readonly runId: string;
  readonly workspaceId: string;
  readonly timestamp: string;
  readonly deliveryId?: string;
  readonly cursor?: string;
}

/**
 * Asserts one delivery request: the headers of webhooks.md §5.1, the body of §5.2, the `v1`
 * signature of §6 recomputed with `secret`, and — for a durable host — the headers of §13.4.
 */
export function assertDeliveryRequest(
  context: ScenarioContext,
  request: ReceivedRequest,
  expected: { readonly secret: string; readonly webhookId: string; readonly durable: boolean; readonly label: string },
): DeliveryFacts {
  const assert: Assertions = context.assert;
  const { headers } = request;
  const label = expected.label;
  assert.equal(request.method, "POST", `${label}: method`);
  assert.match(headers["content-type"], /^application\/json\b/i, `${label}: Content-Type`);
  assert.match(headers["user-agent"], /^openwop-webhook-dispatcher\/\S+/, `${label}: User-Agent`);
  assert.equal(headers["x-openwop-webhook-id"], expected.webhookId, `${label}: X-openwop-Webhook-Id`);

  assert.isObject(request.body, `${label}: the body is a JSON object (got ${request.text.slice(0, 120)})`);
  const body = request.body as Record<string, unknown>;
  assert.isString(body.runId, `${label}: body.runId`);
  assert.isString(body.workspaceId, `${label}: body.workspaceId`);
  assertSchemaValid(assert, validateRunEvent, body.event, `${label}: body.event`);
  const event = body.event as Record<string, unknown>;
  assert.equal(event.runId, body.runId, `${label}: body.event.runId is body.runId`);
  assert.equal(headers["x-openwop-event-type"], event.type, `${label}: X-openwop-Event-Type is the event's type`);

  const timestamp = headers["x-openwop-timestamp"];
  assert.match(timestamp, /^\d+$/, `${label}: X-openwop-Timestamp in whole seconds`);
  const skew = Math.abs(request.receivedAt / 1000 - Number(timestamp));
  assert.ok(skew <= 300, `${label}: X-openwop-Timestamp is ${Math.round(skew)} s away from the receiver's clock`);
  const algorithm = headers["x-openwop-signature-algorithm"];
  assert.equal(algorithm, "v1", `${label}: X-openwop-Signature-Algorithm`);
  const signature = headers["x-openwop-signature"];
  assert.match(signature, /^sha256=[0-9a-f]{64}$/, `${label}: X-openwop-Signature is sha256= and lower-case hex`);
  assert.equal(
    signature.slice("sha256=".length),
    v1Signature(expected.secret, timestamp, request.raw),
    `${label}: X-openwop-Signature is the HMAC-SHA-256 of timestamp "." raw body under the secret`,
  );

  const traceparent = headers.traceparent;
  if (traceparent === undefined) {
    if (!tracelessNoted.has(context)) context.note("deliveries carry no traceparent (SHOULD, webhooks.md §5.1)");
    tracelessNoted.add(context);
  } else
    assert.match(
      traceparent,
      /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
      `${label}: traceparent, when sent, is a W3C trace context`,
    );

  const facts: DeliveryFacts = {
    event,
    runId: body.runId as string,
    workspaceId: body.workspaceId as string,
    timestamp,
  };
  if (!expected.durable) return facts;
  const deliveryId = headers["x-openwop-delivery-id"];
  const cursor = headers["x-openwop-cursor"];
  assert.isString(deliveryId, `${label}: X-openwop-Delivery-Id (durable host)`);
  assert.isString(cursor, `${label}: X-openwop-Cursor (durable host)`);
  return { ...facts, deliveryId, cursor };
}

/** Asserts the Standard Webhooks headers of webhooks.md §13.5 on a delivery request. */
export function assertStandardWebhooksSignature(
  assert: Assertions,
  request: ReceivedRequest,
  secret: string,
  label: string,
): void {
  const { headers } = request;
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  assert.isString(id, `${label}: webhook-id`);
  const deliveryId = headers["x-openwop-delivery-id"];
  if (deliveryId !== undefined) assert.equal(id, deliveryId, `${label}: webhook-id is the delivery id`);
  assert.equal(timestamp, headers["x-openwop-timestamp"], `${label}: webhook-timestamp is X-openwop-Timestamp`);
  const expected = createHmac("sha256", standardSecretBytes(secret))
    .update(`${id}.${timestamp}.`, "utf8")
    .update(request.raw)
    .digest("base64");
  const offered = (headers["webhook-signature"] ?? "").split(" ").filter((part) => part.length > 0);
  assert.ok(offered.length > 0, `${label}: webhook-signature is present`);
  assert.ok(
    offered.includes(`v1,${expected}`),
    `${label}: webhook-signature carries v1,<base64 HMAC-SHA-256 of id.timestamp.body> (got ${offered.join(" ")})`,
  );
}

export interface RetryBudget {
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly maxRetryDelayMs: number;
}

/** The advertised retry budget of webhooks.md §1 and §13.2, asserted well-formed. */
export function retryBudget(context: ScenarioContext): RetryBudget {
  const assert: Assertions = context.assert;
  const read = (member: string) => discoveryValue(context.discovery, `webhooks.${member}`);
  const [maxAttempts, retryBaseMs, maxRetryDelayMs] = ["maxAttempts", "retryBaseMs", "maxRetryDelayMs"].map(read);
  for (const [member, value] of [
    ["maxAttempts", maxAttempts],
    ["retryBaseMs", retryBaseMs],
    ["maxRetryDelayMs", maxRetryDelayMs],
  ] as const) {
    assert.ok(
      typeof value === "number" && Number.isInteger(value) && value >= 1,
      `webhooks.${member} is an integer ≥ 1 on a durable host (got ${String(value)})`,
    );
  }
  return { maxAttempts, retryBaseMs, maxRetryDelayMs } as RetryBudget;
}

/**
 * The longest the host may make a delivery wait across `failures` failed attempts: the sum of
 * the ceilings of §13.2's backoff. Fails the scenario when that exceeds {@link MAX_RETRY_WAIT_MS}.
 */
export function backoffCeilingMs(context: ScenarioContext, budget: RetryBudget, failures: number): number {
  let total = 0;
  for (let attempt = 1; attempt <= failures; attempt += 1)
    total += Math.min(budget.maxRetryDelayMs, budget.retryBaseMs * 2 ** (attempt - 1));
  context.assert.ok(
    total <= MAX_RETRY_WAIT_MS,
    `the advertised backoff (retryBaseMs ${budget.retryBaseMs}, maxRetryDelayMs ${budget.maxRetryDelayMs}) may hold ${failures} retries for up to ${total} ms, more than the ${MAX_RETRY_WAIT_MS} ms a scenario waits; run the host with a shorter backoff for conformance (the example hosts: OPENWOP_WEBHOOK_RETRY_BASE_MS, OPENWOP_WEBHOOK_MAX_ATTEMPTS)`,
  );
  return total;
}

/** `GET .../deliveries/{deliveryId}`, asserted 200 and `webhook-delivery`. */
export async function readDelivery(
  context: ScenarioContext,
  webhookId: string,
  deliveryId: string,
  label: string,
): Promise<WebhookDelivery> {
  const response = await context.client.raw("GET", deliveryPath(webhookId, deliveryId));
  context.assert.equal(response.status, 200, `${label}: GET /v1/webhooks/{webhookId}/deliveries/{deliveryId} status`);
  assertSchemaValid(context.assert, validateWebhookDelivery, response.body, label);
  return response.body as WebhookDelivery;
}

/** Reads a delivery every 100 ms until `done` holds; fails with its last state after `timeoutMs` (unscaled). */
export async function waitForDelivery(
  context: ScenarioContext,
  webhookId: string,
  deliveryId: string,
  done: (delivery: WebhookDelivery) => boolean,
  timeoutMs: number,
  what: string,
): Promise<WebhookDelivery> {
  const deadline = Date.now() + context.scaled(timeoutMs);
  for (;;) {
    const delivery = await readDelivery(context, webhookId, deliveryId, `the delivery while waiting for ${what}`);
    if (done(delivery)) return delivery;
    if (Date.now() > deadline || context.signal.aborted) {
      return context.assert.fail(
        `delivery ${deliveryId} did not reach ${what} within ${context.scaled(timeoutMs)} ms (last: status ${delivery.status}, ${delivery.attempts} attempts, lastError ${String(delivery.lastError)})`,
      );
    }
    await context.sleep(100);
  }
}
