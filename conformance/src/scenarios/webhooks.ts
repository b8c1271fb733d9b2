import { randomBytes, randomUUID } from "node:crypto";
import type { RawResponse } from "@openwop/client";
import {
  validateWebhookDelivery,
  validateWebhookDeliveryList,
  validateWebhookSubscription,
  validateWebhookSubscriptionList,
} from "@openwop/schema";
import type {
  CreatedWebhook,
  FeedEntry,
  RunEvent,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookSubscription,
  WebhookSubscriptionList,
} from "@openwop/types";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { feedPage, feedTail, readFeed } from "../lib/event-feed.js";
import { readLog, startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import {
  answerAlways,
  eventOf,
  failFirst,
  type ReceivedRequest,
  runIdOf,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../lib/webhook-receiver.js";
import {
  assertCreatedAnswer,
  assertDeliveryRequest,
  assertNoSecret,
  assertStandardWebhooksSignature,
  backoffCeilingMs,
  CIRCUIT_THRESHOLD,
  DELIVERY_MARGIN_MS,
  deliveryPath,
  fingerprintOf,
  privateWebhookUrls,
  QUIET_PERIOD_MS,
  QUIET_WEBHOOK_URL,
  readDelivery,
  registerWebhook,
  requirePrivateUrls,
  retryBudget,
  startTaggedRun,
  uniqueTag,
  waitForDelivery,
  webhookPath,
} from "../lib/webhooks.js";
import type { Assertions } from "../runner/assertions.js";
import {
  allOf,
  discoveryValue,
  durableWebhooksAdvertised,
  needsDurableWebhooks,
  needsFixtures,
  needsWebhooks,
} from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

const PLAIN = ["openwop-webhooks"] as const;
const DURABLE = ["openwop-webhooks-durable"] as const;

/** Most pages of `GET /v1/webhooks` (or of deliveries) followed before the suite stops looking. */
const MAX_PAGES = 50;

/** Status a failing receiver answers with. */
const FAILURE_STATUS = 503;

/** What the receiver answers a request it fails, as the attempt log's excerpt must show it. */
const FAILURE_TEXT = "failing on purpose (openwop-conformance)";

const sorted = (values: readonly string[]) => [...values].sort();

const needsNoop = needsFixtures("conformance-noop");

/** Every URL webhooks.md §4.1 refuses, by the rule that refuses it. */
const REFUSED_URLS: ReadonlyArray<readonly [string, string]> = [
  ["loopback 127.0.0.0/8", "https://127.0.0.1/hook"],
  ["loopback 127.0.0.0/8, last address", "https://127.255.255.254/hook"],
  ["private 10.0.0.0/8", "https://10.0.0.1/hook"],
  ["private 10.0.0.0/8, last address", "https://10.255.255.254/hook"],
  ["private 172.16.0.0/12", "https://172.16.0.1/hook"],
  ["private 172.16.0.0/12, last address", "https://172.31.255.254/hook"],
  ["private 192.168.0.0/16", "https://192.168.1.1/hook"],
  ["link-local 169.254.0.0/16", "https://169.254.10.10/hook"],
  ["the metadata address 169.254.169.254", "https://169.254.169.254/latest/meta-data/"],
  ["IPv6 loopback ::1", "https://[::1]/hook"],
  ["IPv6 link-local fe80::/10", "https://[fe80::1]/hook"],
  ["IPv6 unique-local fc00::/7", "https://[fc00::1]/hook"],
  ["IPv6 unique-local fc00::/7 (fd00::/8)", "https://[fd12:3456:789a::1]/hook"],
  ["the unspecified IPv4 address", "https://0.0.0.0/hook"],
  ["the unspecified IPv6 address", "https://[::]/hook"],
  ["the name localhost", "https://localhost/hook"],
  ["the name localhost with a port", "https://localhost:8443/hook"],
  ["the name metadata", "https://metadata/computeMetadata/v1/"],
  ["the name metadata.google.internal", "https://metadata.google.internal/computeMetadata/v1/"],
  ["user information", "https://u:p@example.com/hook"],
  ["plain http", "http://example.com/hook"],
];

/** Refused URLs the development override of §4.3 does not admit: it allows private addresses and http only. */
const REFUSED_UNDER_OVERRIDE: ReadonlyArray<readonly [string, string]> = [
  ["user information", "https://u:p@example.com/hook"],
  ["the ftp scheme", "ftp://example.com/hook"],
  ["the file scheme", "file:///etc/passwd"],
];

const durableHost = (context: ScenarioContext) => durableWebhooksAdvertised(context.discovery);

/** Subscribes `receiver` to `events` of runs carrying `tag`. */
async function subscribeReceiver(
  context: ScenarioContext,
  receiver: WebhookReceiver,
  tag: string,
  events: readonly string[] = ["run.completed"],
): Promise<CreatedWebhook> {
  const body = { url: receiver.url, events: events as [string, ...string[]], tags: [tag] };
  return (await registerWebhook(context, body)).created;
}

/** The requests of `runId`'s deliveries. */
const ofRun = (receiver: WebhookReceiver, runId: string) =>
  receiver.requests.filter((request) => runIdOf(request) === runId);

/** Reads one subscription with the primary key, asserting 200 and `webhook-subscription`. */
async function readSubscription(
  context: ScenarioContext,
  webhookId: string,
  label: string,
): Promise<WebhookSubscription> {
  const response = await context.client.raw("GET", webhookPath(webhookId));
  context.assert.equal(response.status, 200, `${label}: GET /v1/webhooks/{webhookId} status`);
  assertSchemaValid(context.assert, validateWebhookSubscription, response.body, label);
  return response.body as WebhookSubscription;
}

/** `POST .../pause` or `.../resume`, asserting 200, `webhook-subscription` and the status it leaves. */
async function setPaused(
  context: ScenarioContext,
  webhookId: string,
  action: "pause" | "resume",
  label: string,
): Promise<WebhookSubscription> {
  const response = await context.client.raw("POST", `${webhookPath(webhookId)}/${action}`);
  context.assert.equal(response.status, 200, `${label}: POST /v1/webhooks/{webhookId}/${action} status`);
  assertSchemaValid(context.assert, validateWebhookSubscription, response.body, label);
  const subscription = response.body as WebhookSubscription;
  context.assert.equal(subscription.status, action === "pause" ? "paused" : "active", `${label}: status`);
  return subscription;
}

/** One page of `GET .../deliveries`, asserted 200 and `webhook-delivery-list`. */
async function deliveriesPage(
  context: ScenarioContext,
  webhookId: string,
  query: Record<string, string | number | undefined>,
  label: string,
): Promise<WebhookDeliveryList> {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) parameters.set(name, String(value));
  const path = `${webhookPath(webhookId)}/deliveries${parameters.size > 0 ? `?${parameters}` : ""}`;
  const response = await context.client.raw("GET", path);
  context.assert.equal(response.status, 200, `${label}: GET ${path.replace(webhookId, "{webhookId}")} status`);
  assertSchemaValid(context.assert, validateWebhookDeliveryList, response.body, label);
  return response.body as WebhookDeliveryList;
}

/** Every delivery `query` selects, following `nextCursor` in pages of `limit`. */
async function allDeliveries(
  context: ScenarioContext,
  webhookId: string,
  query: Record<string, string | undefined>,
  label: string,
  limit = 100,
): Promise<WebhookDelivery[]> {
  const assert: Assertions = context.assert;
  const found: WebhookDelivery[] = [];
  let cursor: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const answer = await deliveriesPage(context, webhookId, { ...query, limit, cursor }, `${label}, page ${page}`);
    assert.ok(answer.deliveries.length <= limit, `${label}, page ${page}: at most limit=${limit} deliveries`);
    for (const delivery of answer.deliveries) {
      assert.ok(
        !found.some((seen) => seen.deliveryId === delivery.deliveryId),
        `${label}: delivery ${delivery.deliveryId} is listed once across pages`,
      );
      found.push(delivery);
    }
    if (answer.nextCursor === null) return found;
    cursor = answer.nextCursor;
  }
  return assert.fail(`${label}: the deliveries did not end within ${MAX_PAGES} pages`);
}

/** Asserts that `createdAt` never increases along `items` (newest first, webhooks.md §12.1, §14.1). */
function assertNewestFirst(
  assert: Assertions,
  items: ReadonlyArray<{ readonly createdAt: string }>,
  label: string,
): void {
  for (let index = 1; index < items.length; index += 1) {
    const before = Date.parse((items[index - 1] as { createdAt: string }).createdAt);
    const after = Date.parse((items[index] as { createdAt: string }).createdAt);
    assert.ok(before >= after, `${label}: newest first (entry ${index} was created after entry ${index - 1})`);
  }
}

/** Another tenant's answer must be exactly an unknown subscription's (webhooks.md §12). */
function assertSameAsUnknown(
  assert: Assertions,
  foreign: RawResponse,
  unknown: RawResponse,
  ids: readonly (readonly [string, string])[],
  label: string,
): void {
  const envelope = assertErrorEnvelope(
    assert,
    foreign,
    { code: "subscription_not_found" },
    `${label} of another tenant's subscription`,
  );
  const unknownEnvelope = assertErrorEnvelope(
    assert,
    unknown,
    { code: "subscription_not_found" },
    `${label} of an unknown subscription`,
  );
  // Messages and details may name the ids asked for; beyond that they must not differ.
  const neutral = (text: string, side: 0 | 1) =>
    ids.reduce((current, pair, index) => current.replaceAll(pair[side], `{id${index}}`), text);
  assert.equal(
    neutral(envelope.message, 0),
    neutral(unknownEnvelope.message, 1),
    `${label}: another tenant's subscription gets the message an unknown one gets`,
  );
  assert.equal(
    neutral(JSON.stringify(envelope.details ?? null), 0),
    neutral(JSON.stringify(unknownEnvelope.details ?? null), 1),
    `${label}: another tenant's subscription gets the details an unknown one gets`,
  );
}

/** Follows `GET /v1/webhooks` with `auth` (the primary key by default) until the pages end. */
async function listAllSubscriptions(
  context: ScenarioContext,
  label: string,
  options: { readonly auth?: string; readonly limit?: number; readonly secrets?: readonly string[] } = {},
): Promise<WebhookSubscription[]> {
  const assert: Assertions = context.assert;
  const found: WebhookSubscription[] = [];
  let cursor: string | null = null;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (cursor !== null) query.set("cursor", cursor);
    const response = await context.client.raw(
      "GET",
      `/v1/webhooks${query.size > 0 ? `?${query}` : ""}`,
      options.auth === undefined ? {} : { auth: options.auth },
    );
    const pageLabel = `${label}, page ${page}`;
    assert.equal(response.status, 200, `${pageLabel}: GET /v1/webhooks status`);
    assertSchemaValid(assert, validateWebhookSubscriptionList, response.body, pageLabel);
    for (const secret of options.secrets ?? []) assertNoSecret(assert, response, secret, pageLabel);
    const list = response.body as WebhookSubscriptionList;
    if (options.limit !== undefined)
      assert.ok(list.webhooks.length <= options.limit, `${pageLabel}: at most limit=${options.limit} subscriptions`);
    for (const subscription of list.webhooks) {
      assert.ok(
        !found.some((seen) => seen.webhookId === subscription.webhookId),
        `${label}: subscription ${subscription.webhookId} is listed once across pages`,
      );
      found.push(subscription);
    }
    if (list.nextCursor === null) return found;
    cursor = list.nextCursor;
  }
  return assert.fail(`${label}: GET /v1/webhooks did not end within ${MAX_PAGES} pages`);
}

/** The bound for a first delivery to arrive once its run is terminal. */
const firstDeliveryBound = DELIVERY_MARGIN_MS;

/** Per-attempt slack on top of the advertised backoff (the dispatcher's own pace, the round trips). */
const ATTEMPT_SLACK_MS = 3_000;

export const webhookScenarios: readonly Scenario[] = [
  {
    id: "webhooks-url-safety",
    title:
      "POST /v1/webhooks refuses every loopback, private, link-local, unique-local and metadata target, userinfo and plain http",
    profiles: PLAIN,
    spec: "spec/v1/webhooks.md §4.1",
    alsoCites: ["spec/v1/webhooks.md §2.3", "spec/v1/webhooks.md §4.3"],
    gate: needsWebhooks,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const override = privateWebhookUrls(context.options);
      const never = uniqueTag("never");
      const post = async (url: string) => {
        const response = await client.raw("POST", "/v1/webhooks", {
          body: { url, events: ["run.completed"], tags: [never] },
        });
        const webhookId = (response.body as { webhookId?: unknown } | undefined)?.webhookId;
        if (typeof webhookId === "string") context.defer(() => client.raw("DELETE", webhookPath(webhookId)));
        return response;
      };
      for (const [rule, url] of override ? REFUSED_UNDER_OVERRIDE : REFUSED_URLS) {
        const response = await post(url);
        assertErrorEnvelope(
          assert,
          response,
          { code: "webhook_url_rejected" },
          `POST /v1/webhooks with ${rule} (${url})`,
        );
      }
      if (override) {
        // The override admits the very addresses §4.1 refuses; what it leaves refused was checked,
        // and the host's configuration without the override answers for the rest.
        context.note(
          "the host runs with its private-URL override (webhooks.md §4.3), which admits the private and loopback URLs §4.1 refuses: only what the override leaves refused (user information, schemes other than http and https) was checked; the private ranges are checked against the host's configuration without it",
        );
        return;
      }
      // A public address passes, so the refusals above are the rules at work, not a blanket no.
      const accepted = await post(QUIET_WEBHOOK_URL);
      assert.equal(accepted.status, 201, `POST /v1/webhooks with a public https URL (${QUIET_WEBHOOK_URL}) status`);
    },
  },
  {
    id: "webhooks-register",
    title:
      "POST /v1/webhooks shows the secret once with its fingerprint; list and read omit it; DELETE is 204, then 404",
    profiles: PLAIN,
    spec: "spec/v1/webhooks.md §2.2",
    alsoCites: [
      "spec/v1/webhooks.md §2.3",
      "spec/v1/webhooks.md §3",
      "spec/v1/webhooks.md §12.1",
      "spec/v1/webhooks.md §12.2",
      "spec/v1/webhooks.md §12.4",
    ],
    gate: needsWebhooks,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const never = uniqueTag("never");
      const events = ["run.completed", "run.failed"] as [string, ...string[]];

      const { created: first } = await registerWebhook(context, { url: QUIET_WEBHOOK_URL, events, tags: [never] });
      assert.match(first.secret, /^[0-9a-f]{64}$/, "a generated secret is 32 random bytes as 64 lower-case hex");
      const chosen = `openwop-conformance-${randomBytes(16).toString("hex")}`;
      const { created: second } = await registerWebhook(context, {
        url: QUIET_WEBHOOK_URL,
        events: ["run.completed"],
        tags: [never],
        secret: chosen,
      });
      assert.equal(second.secret, chosen, "a caller-chosen secret is the one the answer shows");
      assert.equal(second.secretFingerprint, fingerprintOf(chosen), "the fingerprint of a caller-chosen secret");
      assert.ok(second.webhookId !== first.webhookId, "two registrations are two subscriptions");
      const secrets = [first.secret, chosen];

      // Reading shows everything but the secret.
      for (const [created, wanted] of [
        [first, { events, secret: first.secret }],
        [second, { events: ["run.completed"], secret: chosen }],
      ] as const) {
        const read = await client.raw("GET", webhookPath(created.webhookId));
        const label = `GET /v1/webhooks/{webhookId} of ${created.webhookId}`;
        assert.equal(read.status, 200, `${label}: status`);
        assertSchemaValid(assert, validateWebhookSubscription, read.body, label);
        for (const secret of secrets) assertNoSecret(assert, read, secret, label);
        const subscription = read.body as WebhookSubscription;
        assert.equal(subscription.webhookId, created.webhookId, `${label}: webhookId`);
        assert.equal(subscription.url, QUIET_WEBHOOK_URL, `${label}: url`);
        assert.deepEqual(sorted(subscription.events), sorted(wanted.events), `${label}: events`);
        assert.deepEqual(subscription.tags, [never], `${label}: tags`);
        assert.equal(subscription.signature, "v1", `${label}: signature defaults to v1`);
        assert.equal(subscription.secretFingerprint, fingerprintOf(wanted.secret), `${label}: secretFingerprint`);
        assert.equal(subscription.status, "active", `${label}: a new subscription is active`);
        assert.equal(subscription.circuit.open, false, `${label}: a new subscription's circuit is closed`);
        assert.equal(subscription.circuit.consecutiveFailures, 0, `${label}: no failures yet`);
      }

      // One subscription a page, to see the cursor work and the order hold.
      const listed = await listAllSubscriptions(context, "GET /v1/webhooks?limit=1", { limit: 1, secrets });
      assertNewestFirst(assert, listed, "GET /v1/webhooks");
      const firstAt = listed.findIndex((subscription) => subscription.webhookId === first.webhookId);
      const secondAt = listed.findIndex((subscription) => subscription.webhookId === second.webhookId);
      assert.ok(firstAt !== -1 && secondAt !== -1, "GET /v1/webhooks lists both new subscriptions");
      if (Date.parse(listed[secondAt]?.createdAt ?? "") > Date.parse(listed[firstAt]?.createdAt ?? ""))
        assert.ok(secondAt < firstAt, "the newer subscription is listed before the older one");

      // Refusals of §2.3.
      for (const [what, body] of [
        ["without url", { events: ["run.completed"] }],
        ["with an empty events list", { url: QUIET_WEBHOOK_URL, events: [] }],
        [
          "with a secret shorter than 32 characters",
          { url: QUIET_WEBHOOK_URL, events: ["run.completed"], secret: "short" },
        ],
      ] as const) {
        const response = await client.raw("POST", "/v1/webhooks", { body: { ...body, tags: [never] } });
        const webhookId = (response.body as { webhookId?: unknown } | undefined)?.webhookId;
        if (typeof webhookId === "string") context.defer(() => client.raw("DELETE", webhookPath(webhookId)));
        assertErrorEnvelope(assert, response, { code: "validation_error" }, `POST /v1/webhooks ${what}`);
      }
      const foreign = await client.raw("POST", "/v1/webhooks", {
        body: {
          url: QUIET_WEBHOOK_URL,
          events: ["run.completed"],
          tags: [never],
          tenantId: `conformance-other-${randomUUID()}`,
        },
      });
      const foreignId = (foreign.body as { webhookId?: unknown } | undefined)?.webhookId;
      if (typeof foreignId === "string") context.defer(() => client.raw("DELETE", webhookPath(foreignId)));
      assertErrorEnvelope(assert, foreign, { code: "forbidden" }, "POST /v1/webhooks naming another tenantId");

      // An idempotent retry names the same subscription and shows the same secret (§12.4).
      const idempotencyKey = `conformance-webhook-${randomUUID()}`;
      const body = { url: QUIET_WEBHOOK_URL, events: ["run.completed"] as [string], tags: [never] };
      const { created: original, response: originalResponse } = await registerWebhook(context, body, {
        idempotencyKey,
      });
      assert.ok(
        originalResponse.headers.get("openwop-idempotent-replay")?.toLowerCase() !== "true",
        "webhooks.md §2.2: first POST /v1/webhooks under a fresh Idempotency-Key: the answer must not carry " +
          "openwop-Idempotent-Replay: true; header",
        originalResponse.headers.get("openwop-idempotent-replay"),
      );
      const replay = await client.raw("POST", "/v1/webhooks", { body, headers: { "idempotency-key": idempotencyKey } });
      assert.equal(replay.status, 201, "the replayed registration answers 201 again");
      assertCreatedAnswer(assert, replay, "the replayed POST /v1/webhooks");
      const replayed = replay.body as CreatedWebhook;
      assert.equal(replayed.webhookId, original.webhookId, "the replay names the same subscription");
      assert.equal(replayed.secret, original.secret, "the replay shows the same secret");
      assert.equal(
        replay.headers.get("openwop-idempotent-replay")?.toLowerCase(),
        "true",
        "the replay carries openwop-Idempotent-Replay: true",
      );

      // Removal: 204, then the subscription is unknown to every operation of §12.
      const removed = await client.raw("DELETE", webhookPath(first.webhookId));
      assert.equal(removed.status, 204, "DELETE /v1/webhooks/{webhookId} status");
      assert.equal(removed.text, "", "DELETE /v1/webhooks/{webhookId} answers without a body");
      for (const [method, suffix] of [
        ["GET", ""],
        ["DELETE", ""],
        ["POST", "/pause"],
        ["POST", "/resume"],
      ] as const) {
        const response = await client.raw(method, `${webhookPath(first.webhookId)}${suffix}`);
        assertErrorEnvelope(
          assert,
          response,
          { code: "subscription_not_found" },
          `${method} /v1/webhooks/{webhookId}${suffix} after DELETE`,
        );
      }
      const after = await listAllSubscriptions(context, "GET /v1/webhooks after DELETE", { secrets });
      assert.ok(
        !after.some((subscription) => subscription.webhookId === first.webhookId),
        "webhooks.md §2.2: GET /v1/webhooks after DELETE /v1/webhooks/{webhookId}: must no longer list the removed " +
          "subscription; subscriptions listed",
        after.length,
      );
    },
  },
  {
    id: "webhooks-signed-delivery",
    title: "A run's event arrives at the receiver as §5, signed v1 over timestamp and raw body, equal to the run's log",
    profiles: PLAIN,
    spec: "spec/v1/webhooks.md §6",
    alsoCites: [
      "spec/v1/webhooks.md §5.1",
      "spec/v1/webhooks.md §5.2",
      "spec/v1/webhooks.md §11",
      "spec/v1/webhooks.md §13.4",
      "spec/v1/webhooks.md §13.5",
    ],
    gate: allOf(needsWebhooks, needsNoop),
    async run(context) {
      const assert: Assertions = context.assert;
      requirePrivateUrls(context);
      const durable = durableHost(context);
      const receiver = await startWebhookReceiver(context);
      const tag = uniqueTag("signed");
      const created = await subscribeReceiver(context, receiver, tag);
      const algorithms = discoveryValue(context.discovery, "webhooks.signatureAlgorithms");
      const standard =
        Array.isArray(algorithms) && algorithms.includes("standard-webhooks")
          ? (
              await registerWebhook(context, {
                url: receiver.url,
                events: ["run.completed"],
                tags: [tag],
                signature: "standard-webhooks",
              })
            ).created
          : undefined;
      if (standard !== undefined)
        assert.match(
          standard.secret,
          /^whsec_[A-Za-z0-9+/]{43}=$/,
          "a generated standard-webhooks secret is whsec_ and the base64 of 32 bytes",
        );

      const runId = await startTaggedRun(context, tag);
      const snapshot = await waitForTerminal(context, runId);
      assert.equal(snapshot.status, "completed", "the noop run completes");
      const forV1 = (request: ReceivedRequest) =>
        runIdOf(request) === runId && request.headers["x-openwop-webhook-id"] === created.webhookId;
      const [request] = await receiver.waitFor(forV1, {
        timeoutMs: firstDeliveryBound,
        what: "the run.completed delivery",
      });
      const facts = assertDeliveryRequest(context, request as ReceivedRequest, {
        secret: created.secret,
        webhookId: created.webhookId,
        durable,
        label: "the delivery",
      });
      assert.equal(facts.runId, runId, "the delivery's runId");
      assert.equal(facts.event.type, "run.completed", "the delivered event is the one subscribed to");
      const log = await readLog(context, runId);
      const logged = log.find((event) => event.sequence === facts.event.sequence);
      assert.deepEqual(facts.event, logged, "the delivered event is the run's log entry of that sequence, exactly");

      if (standard !== undefined) {
        const [standardRequest] = await receiver.waitFor(
          (other) => runIdOf(other) === runId && other.headers["x-openwop-webhook-id"] === standard.webhookId,
          { timeoutMs: firstDeliveryBound, what: "the standard-webhooks subscription's delivery" },
        );
        const standardFacts = assertDeliveryRequest(context, standardRequest as ReceivedRequest, {
          secret: standard.secret,
          webhookId: standard.webhookId,
          durable,
          label: "the standard-webhooks delivery",
        });
        assert.deepEqual(standardFacts.event, logged, "the standard-webhooks delivery carries the same event");
        assertStandardWebhooksSignature(
          assert,
          standardRequest as ReceivedRequest,
          standard.secret,
          "the standard-webhooks delivery",
        );
      }

      if (durable && facts.deliveryId !== undefined) {
        const record = await waitForDelivery(
          context,
          created.webhookId,
          facts.deliveryId,
          (delivery) => delivery.status === "delivered",
          DELIVERY_MARGIN_MS,
          "delivered",
        );
        assert.equal(record.runId, runId, "the delivery record's runId");
        assert.equal(record.sequence, facts.event.sequence, "the delivery record's sequence");
        assert.equal(record.eventType, "run.completed", "the delivery record's eventType");
        assert.equal(record.cursor, facts.cursor, "X-openwop-Cursor is the delivery record's feed cursor");
        const sequence = facts.event.sequence as number;
        const after = await feedPage(context, {
          after: facts.cursor ?? null,
          limit: 100,
          label: "the feed after X-openwop-Cursor",
        });
        assert.ok(
          !after.events.some((entry) => entry.event.runId === runId && entry.event.sequence <= sequence),
          `webhooks.md §15: GET /v1/events?after={X-openwop-Cursor of the delivery of sequence ${sequence}}: must ` +
            "start after that event; sequences of the run's entries answered",
          after.events.filter((entry) => entry.event.runId === runId).map((entry) => entry.event.sequence),
        );
      }

      // §11: only subscribed types are delivered; any repeat is the same delivery (at-least-once).
      await context.sleep(context.scaled(QUIET_PERIOD_MS));
      const all = ofRun(receiver, runId).filter(forV1);
      assert.ok(
        all.every((other) => other.headers["x-openwop-event-type"] === "run.completed"),
        `only run.completed was delivered (got ${all.map((other) => other.headers["x-openwop-event-type"]).join(", ")})`,
      );
      if (durable)
        assert.equal(
          new Set(all.map((other) => other.headers["x-openwop-delivery-id"])).size,
          1,
          "every request of the one event names the same X-openwop-Delivery-Id",
        );
      else assert.equal(all.length, 1, "a best-effort host sends the event once");
    },
  },
  {
    id: "webhooks-tenant-isolation",
    title:
      "Another tenant cannot read, change or remove a subscription or its deliveries, and its runs and feed stay its own",
    profiles: PLAIN,
    spec: "spec/v1/webhooks.md §12",
    alsoCites: ["spec/v1/webhooks.md §11", "spec/v1/webhooks.md §15", "spec/v1/auth.md §5.2"],
    gate: allOf(needsWebhooks, needsNoop),
    timeoutMs: 90_000,
    async run(context) {
      const assert: Assertions = context.assert;
      const { client } = context;
      const secondary = context.options.secondaryApiKey;
      if (secondary === undefined) return context.skip("needs --secondary-api-key (a key of another tenant)", false);
      const probe = await client.raw("GET", "/v1/webhooks?limit=1", { auth: secondary });
      if (probe.status === 403)
        return context.skip("the secondary-tenant key lacks webhooks:manage, so only a 403 could be observed", false);
      assert.equal(probe.status, 200, "GET /v1/webhooks with the secondary-tenant key: status");

      const durable = durableHost(context);
      const seam = privateWebhookUrls(context.options);
      const tag = uniqueTag("isolation");
      const receiver = seam ? await startWebhookReceiver(context) : undefined;
      // Without a receiver a durable host still records deliveries: paused, they wait and are never sent.
      const recordsOnly = receiver === undefined && durable;
      const created = (
        await registerWebhook(context, {
          url: receiver?.url ?? QUIET_WEBHOOK_URL,
          events: ["run.completed"],
          tags: [receiver !== undefined || recordsOnly ? tag : uniqueTag("never")],
        })
      ).created;
      if (recordsOnly) await setPaused(context, created.webhookId, "pause", "pausing the subscription (no receiver)");
      const expectedStatus = recordsOnly ? "paused" : "active";
      const other = context.clientWithKey(secondary);
      const tails = durable
        ? {
            primary: await feedTail(context, "the primary tenant's feed before the runs"),
            secondary: await feedTail(context, "the secondary tenant's feed before the runs", other),
          }
        : undefined;

      // Runs of both tenants carrying the subscription's tag: only the primary's may be delivered.
      let primaryRun: string | undefined;
      let secondaryRun: string | undefined;
      let deliveryId = `dlv-conformance-${randomBytes(6).toString("hex")}`;
      if (receiver !== undefined || durable) {
        secondaryRun = await startTaggedRun(context, tag, { auth: secondary });
        primaryRun = await startTaggedRun(context, tag);
        await waitForRun(context, secondaryRun, (run) => run.status === "completed", 10_000, "completed", {
          client: other,
        });
        await waitForTerminal(context, primaryRun);
      }
      if (receiver !== undefined && primaryRun !== undefined && secondaryRun !== undefined) {
        const [delivered] = await receiver.waitFor((request) => runIdOf(request) === primaryRun, {
          timeoutMs: firstDeliveryBound,
          what: "the primary tenant's run.completed",
        });
        deliveryId = (delivered as ReceivedRequest).headers["x-openwop-delivery-id"] ?? deliveryId;
        await context.sleep(context.scaled(QUIET_PERIOD_MS));
        assert.equal(
          ofRun(receiver, secondaryRun).length,
          0,
          "a run of another tenant carrying the subscription's tag is never delivered to it",
        );
      } else if (!durable) {
        context.note("delivery isolation not checked: no private-URL seam for the loopback receiver");
      }
      if (durable && primaryRun !== undefined && secondaryRun !== undefined) {
        const recorded = async (runId: string, whose: string) =>
          await allDeliveries(context, created.webhookId, { runId }, `the subscription's deliveries of ${whose} run`);
        assert.equal(
          (await recorded(primaryRun, "its tenant's")).length,
          1,
          "the tenant's own run is recorded for delivery",
        );
        assert.equal(
          (await recorded(secondaryRun, "the other tenant's")).length,
          0,
          "no delivery is recorded for another tenant's run",
        );
      }

      // Every operation on the subscription, by the other tenant, answers as for an unknown one.
      const unknownId = `wh_conformance_unknown_${randomBytes(6).toString("hex")}`;
      const unknownDelivery = `dlv-conformance-unknown-${randomBytes(6).toString("hex")}`;
      const operations: Array<readonly [string, (webhookId: string, delivery: string) => string]> = [
        ["GET", (id) => webhookPath(id)],
        ["POST", (id) => `${webhookPath(id)}/pause`],
        ["POST", (id) => `${webhookPath(id)}/resume`],
        ["DELETE", (id) => webhookPath(id)],
      ];
      if (durable)
        operations.push(
          ["GET", (id) => `${webhookPath(id)}/deliveries`],
          ["GET", (id, delivery) => deliveryPath(id, delivery)],
          ["POST", (id, delivery) => `${deliveryPath(id, delivery)}/replay`],
          ["POST", (id) => `${webhookPath(id)}/dead-letters/replay`],
        );
      for (const [method, path] of operations) {
        const foreign = await client.raw(method, path(created.webhookId, deliveryId), { auth: secondary });
        const unknown = await client.raw(method, path(unknownId, unknownDelivery), { auth: secondary });
        const template = path("{webhookId}", "{deliveryId}");
        assertSameAsUnknown(
          assert,
          foreign,
          unknown,
          [
            [created.webhookId, unknownId],
            [deliveryId, unknownDelivery],
          ],
          `${method} ${template} with the secondary-tenant key`,
        );
      }
      const otherList = await listAllSubscriptions(context, "GET /v1/webhooks with the secondary-tenant key", {
        auth: secondary,
        secrets: [created.secret],
      });
      assert.ok(
        !otherList.some((subscription) => subscription.webhookId === created.webhookId),
        "webhooks.md §12: GET /v1/webhooks with another tenant's key: must not list the primary tenant's " +
          "subscription; subscriptions listed",
        otherList.length,
      );
      const after = await readSubscription(
        context,
        created.webhookId,
        "the subscription after the other tenant's attempts",
      );
      assert.equal(after.status, expectedStatus, "the other tenant's pause and resume left the subscription as it was");

      if (tails !== undefined && primaryRun !== undefined && secondaryRun !== undefined) {
        const mine = await readFeed(context, { after: tails.primary, limit: 1000, label: "the primary tenant's feed" });
        const theirs = await readFeed(context, {
          after: tails.secondary,
          limit: 1000,
          label: "the secondary tenant's feed",
          client: other,
        });
        const runsOf = (entries: readonly FeedEntry[]) => new Set(entries.map((entry) => entry.event.runId));
        const feedOf = (entries: readonly FeedEntry[], runId: string) =>
          entries.filter((entry) => entry.event.runId === runId).map((entry) => entry.event.type);
        assert.ok(
          runsOf(mine.entries).has(primaryRun),
          "webhooks.md §15: GET /v1/events with the primary tenant's key: must hold its own run; entries answered",
          mine.entries.length,
        );
        assert.ok(
          !runsOf(mine.entries).has(secondaryRun),
          "webhooks.md §12, auth.md §5.2: GET /v1/events with the primary tenant's key: must never show the other " +
            "tenant's run; its event types answered",
          feedOf(mine.entries, secondaryRun),
        );
        assert.ok(
          runsOf(theirs.entries).has(secondaryRun),
          "webhooks.md §15: GET /v1/events with the secondary tenant's key: must hold its own run; entries answered",
          theirs.entries.length,
        );
        assert.ok(
          !runsOf(theirs.entries).has(primaryRun),
          "webhooks.md §12, auth.md §5.2: GET /v1/events with the secondary tenant's key: must never show the " +
            "primary tenant's run; its event types answered",
          feedOf(theirs.entries, primaryRun),
        );
        // A cursor of one tenant's feed opens nothing of it to another.
        if (tails.primary !== null) {
          const borrowed = await other.raw("GET", `/v1/events?after=${encodeURIComponent(tails.primary)}&limit=1000`);
          if (borrowed.status === 200) {
            const entries = (borrowed.body as { events?: FeedEntry[] } | undefined)?.events ?? [];
            assert.ok(
              !entries.some((entry) => entry.event.runId === primaryRun),
              "webhooks.md §12: GET /v1/events?after={the primary tenant's cursor}&limit=1000 with the secondary " +
                "tenant's key: must show none of the primary's events; the primary run's event types answered",
              entries.filter((entry) => entry.event.runId === primaryRun).map((entry) => entry.event.type),
            );
          } else {
            assertErrorEnvelope(
              assert,
              borrowed,
              { status: [400, 404, 410] },
              "the primary's cursor used by another tenant",
            );
          }
        }
      } else if (!durable) {
        context.note("feed isolation not checked: the host does not advertise webhooks.durable");
      }
    },
  },
  {
    id: "webhooks-retry-then-success",
    title:
      "A delivery that fails twice is retried with the same X-openwop-Delivery-Id until delivered; its attempt log shows each try",
    profiles: DURABLE,
    spec: "spec/v1/webhooks.md §13.2",
    alsoCites: ["spec/v1/webhooks.md §13.4", "spec/v1/webhooks.md §14.2"],
    gate: allOf(needsDurableWebhooks, needsNoop),
    timeoutMs: 120_000,
    async run(context) {
      const assert: Assertions = context.assert;
      requirePrivateUrls(context);
      const budget = retryBudget(context);
      const failures = Math.min(2, budget.maxAttempts - 1);
      if (failures < 1) return context.inapplicable("webhooks.maxAttempts is 1: a failed attempt is never retried");
      if (failures < 2) context.note(`webhooks.maxAttempts is ${budget.maxAttempts}: one failed attempt only`);
      const ceiling = backoffCeilingMs(context, budget, failures);
      const receiver = await startWebhookReceiver(context, failFirst(failures, FAILURE_STATUS));
      const tag = uniqueTag("retry");
      const created = await subscribeReceiver(context, receiver, tag);
      const runId = await startTaggedRun(context, tag);
      await waitForTerminal(context, runId);
      await receiver.waitFor((request) => runIdOf(request) === runId && request.answeredWith === 200, {
        timeoutMs: firstDeliveryBound + ceiling + failures * ATTEMPT_SLACK_MS,
        what: `the delivery after ${failures} failed attempts`,
      });

      const attempts = ofRun(receiver, runId);
      assert.ok(
        attempts.length >= failures + 1,
        `${failures + 1} attempts reached the receiver (got ${attempts.length})`,
      );
      const facts = attempts.map((request, index) =>
        assertDeliveryRequest(context, request, {
          secret: created.secret,
          webhookId: created.webhookId,
          durable: true,
          label: `attempt ${index + 1}`,
        }),
      );
      const deliveryId = facts[0]?.deliveryId as string;
      assert.equal(
        new Set(facts.map((fact) => fact.deliveryId)).size,
        1,
        "X-openwop-Delivery-Id is the same on every attempt",
      );
      for (const [index, fact] of facts.entries())
        assert.deepEqual(fact.event, facts[0]?.event, `attempt ${index + 1} carries the same event`);
      assert.deepEqual(
        attempts.slice(0, failures + 1).map((request) => request.answeredWith),
        [...Array.from({ length: failures }, () => FAILURE_STATUS), 200],
        "the receiver failed the first attempts and accepted the next",
      );

      const delivery = await waitForDelivery(
        context,
        created.webhookId,
        deliveryId,
        (record) => record.status === "delivered",
        DELIVERY_MARGIN_MS,
        "delivered",
      );
      assert.isString(delivery.deliveredAt, "a delivered delivery has deliveredAt");
      assert.ok(Array.isArray(delivery.attemptLog), "GET .../deliveries/{deliveryId} carries attemptLog");
      const log = delivery.attemptLog ?? [];
      assert.deepEqual(
        log.slice(0, failures + 1).map((attempt) => attempt.statusCode),
        [...Array.from({ length: failures }, () => FAILURE_STATUS), 200],
        "attemptLog records each attempt's status code in order",
      );
      assert.deepEqual(
        log.map((attempt) => attempt.attempt),
        log.map((_attempt, index) => index + 1),
        "attemptLog numbers the attempts 1, 2, 3…",
      );
      // The budget is of failed attempts (§13.2: dead after maxAttempts failed ones); the delivering one is not held against it.
      assert.equal(delivery.attempts, failures, "attempts counts the failed attempts held against the budget");
      assertNewestFirst(
        assert,
        [...log].reverse().map((attempt) => ({ createdAt: attempt.startedAt })),
        "attemptLog in the order the attempts started (read backwards)",
      );
      for (const attempt of log.slice(0, failures)) {
        if (attempt.responseExcerpt !== null)
          assert.equal(
            attempt.responseExcerpt,
            FAILURE_TEXT,
            `attempt ${attempt.attempt}: responseExcerpt is the answer`,
          );
        if (attempt.address !== null)
          assert.equal(attempt.address, "127.0.0.1", `attempt ${attempt.attempt}: the address connected to`);
      }
      const listed = await allDeliveries(context, created.webhookId, { runId }, "the run's deliveries");
      assert.deepEqual(
        listed.map((record) => record.deliveryId),
        [deliveryId],
        "one run.completed makes exactly one delivery, however often it was attempted",
      );
    },
  },
  {
    id: "webhooks-dead-letter-replay",
    title:
      "A delivery failing maxAttempts times is dead-lettered; replaying dead letters requeues it once and it is delivered",
    profiles: DURABLE,
    spec: "spec/v1/webhooks.md §14.4",
    alsoCites: ["spec/v1/webhooks.md §13.2", "spec/v1/webhooks.md §13.1"],
    gate: allOf(needsDurableWebhooks, needsNoop),
    timeoutMs: 120_000,
    async run(context) {
      const assert: Assertions = context.assert;
      requirePrivateUrls(context);
      const budget = retryBudget(context);
      const ceiling = backoffCeilingMs(context, budget, budget.maxAttempts - 1);
      const receiver = await startWebhookReceiver(context, answerAlways(FAILURE_STATUS));
      const tag = uniqueTag("dead-letter");
      const created = await subscribeReceiver(context, receiver, tag);
      const runId = await startTaggedRun(context, tag);
      await waitForTerminal(context, runId);
      const [firstAttempt] = await receiver.waitFor((request) => runIdOf(request) === runId, {
        count: budget.maxAttempts,
        timeoutMs: firstDeliveryBound + ceiling + budget.maxAttempts * ATTEMPT_SLACK_MS,
        what: `${budget.maxAttempts} failed attempts (webhooks.maxAttempts)`,
      });
      const deliveryId = (firstAttempt as ReceivedRequest).headers["x-openwop-delivery-id"];
      assert.isString(deliveryId, "X-openwop-Delivery-Id on the first attempt");
      const dead = await waitForDelivery(
        context,
        created.webhookId,
        deliveryId,
        (delivery) => delivery.status === "dead_lettered",
        DELIVERY_MARGIN_MS,
        "dead_lettered",
      );
      assert.equal(dead.attempts, budget.maxAttempts, "a dead letter spent exactly maxAttempts attempts");
      assert.deepEqual(
        (dead.attemptLog ?? []).map((attempt) => attempt.statusCode),
        Array.from({ length: budget.maxAttempts }, () => FAILURE_STATUS),
        "attemptLog holds every failed attempt",
      );
      await context.sleep(context.scaled(QUIET_PERIOD_MS));
      assert.equal(ofRun(receiver, runId).length, budget.maxAttempts, "a dead letter is not attempted again by itself");
      const deadLetters = await allDeliveries(context, created.webhookId, { status: "dead_lettered" }, "dead letters");
      assert.deepEqual(
        deadLetters.map((delivery) => delivery.deliveryId),
        [deliveryId],
        "GET .../deliveries?status=dead_lettered lists the dead letter",
      );

      // Before any replay: the failures count against the subscription (§8.2, §13.3).
      const subscription = await readSubscription(context, created.webhookId, "the subscription after the failures");
      let circuitOpenUntil: string | null | undefined;
      if (!subscription.circuit.open)
        assert.equal(
          subscription.circuit.consecutiveFailures,
          budget.maxAttempts,
          "the subscription counts the dead letter's failed attempts as consecutive failures",
        );
      else if (budget.maxAttempts < CIRCUIT_THRESHOLD)
        return assert.fail(
          `the circuit opened after ${budget.maxAttempts} consecutive failures, fewer than the ${CIRCUIT_THRESHOLD} of webhooks.md §8.2`,
        );
      else circuitOpenUntil = subscription.circuit.openUntil;

      const replayPath = `${webhookPath(created.webhookId)}/dead-letters/replay`;
      const replay = async (body: Record<string, unknown> | undefined, label: string): Promise<number> => {
        const response = await context.client.raw("POST", replayPath, body === undefined ? {} : { body });
        assert.equal(response.status, 202, `${label}: POST /v1/webhooks/{webhookId}/dead-letters/replay status`);
        const requeued = (response.body as { requeued?: unknown } | undefined)?.requeued;
        assert.ok(
          typeof requeued === "number" && Number.isInteger(requeued) && requeued >= 0,
          `${label}: requeued is a count (got ${String(requeued)})`,
        );
        return requeued as number;
      };
      // Filters that leave the dead letter out requeue nothing.
      assert.equal(
        await replay({ eventTypes: ["run.failed"] }, "a replay of another event type"),
        0,
        "a replay filtered on another event type requeues nothing",
      );
      assert.equal(
        await replay({ until: dead.createdAt }, "a replay until the dead letter's creation"),
        0,
        "until is exclusive: a dead letter created at until is not requeued",
      );
      receiver.answer(answerAlways(200));
      assert.equal(await replay(undefined, "the replay"), 1, "the replay requeues the one dead letter");
      assert.equal(
        await replay(undefined, "the same replay again"),
        0,
        "a requeued delivery is no longer a dead letter: the same request requeues nothing",
      );

      if (circuitOpenUntil !== undefined) {
        // §13.3: the requeued delivery waits for the circuit's probe, an hour later.
        return context.skip(
          `webhooks.maxAttempts ${budget.maxAttempts} opened the subscription's circuit (${CIRCUIT_THRESHOLD} consecutive failures, webhooks.md §8.2) before the delivery was dead-lettered, so the replayed delivery waits for the probe at ${circuitOpenUntil}; run the host with maxAttempts below ${CIRCUIT_THRESHOLD} for conformance`,
          true,
        );
      }
      const [redelivered] = await receiver.waitFor(
        (request) => runIdOf(request) === runId && request.answeredWith === 200,
        { timeoutMs: firstDeliveryBound, what: "the replayed dead letter" },
      );
      assertDeliveryRequest(context, redelivered as ReceivedRequest, {
        secret: created.secret,
        webhookId: created.webhookId,
        durable: true,
        label: "the replayed dead letter",
      });
      assert.equal(
        (redelivered as ReceivedRequest).headers["x-openwop-delivery-id"],
        deliveryId,
        "the replayed dead letter keeps its X-openwop-Delivery-Id",
      );
      const delivered = await waitForDelivery(
        context,
        created.webhookId,
        deliveryId,
        (delivery) => delivery.status === "delivered",
        DELIVERY_MARGIN_MS,
        "delivered after the replay",
      );
      assert.equal(delivered.attempts, 0, "a replay gives a fresh budget: no failed attempt since it");
      assert.equal(
        delivered.attemptLog?.length,
        budget.maxAttempts + 1,
        "the earlier attempts stay recorded after a replay",
      );
    },
  },
  {
    id: "webhooks-single-replay",
    title: "Replaying a delivered delivery answers 202 pending and sends it again with the same X-openwop-Delivery-Id",
    profiles: DURABLE,
    spec: "spec/v1/webhooks.md §14.3",
    alsoCites: ["spec/v1/webhooks.md §13.4", "spec/v1/webhooks.md §14.2"],
    gate: allOf(needsDurableWebhooks, needsNoop),
    async run(context) {
      const assert: Assertions = context.assert;
      const { client } = context;
      requirePrivateUrls(context);
      const receiver = await startWebhookReceiver(context);
      const tag = uniqueTag("replay");
      const created = await subscribeReceiver(context, receiver, tag);
      const runId = await startTaggedRun(context, tag);
      await waitForTerminal(context, runId);
      const [first] = await receiver.waitFor((request) => runIdOf(request) === runId, {
        timeoutMs: firstDeliveryBound,
        what: "the first delivery",
      });
      const original = assertDeliveryRequest(context, first as ReceivedRequest, {
        secret: created.secret,
        webhookId: created.webhookId,
        durable: true,
        label: "the first delivery",
      });
      const deliveryId = original.deliveryId as string;
      await waitForDelivery(
        context,
        created.webhookId,
        deliveryId,
        (delivery) => delivery.status === "delivered",
        DELIVERY_MARGIN_MS,
        "delivered",
      );
      const before = ofRun(receiver, runId).length;

      const response = await client.raw("POST", `${deliveryPath(created.webhookId, deliveryId)}/replay`);
      assert.equal(response.status, 202, "POST .../deliveries/{deliveryId}/replay status");
      assertSchemaValid(assert, validateWebhookDelivery, response.body, "the replay answer");
      const answer = response.body as WebhookDelivery;
      assert.equal(answer.deliveryId, deliveryId, "the replay answers with the delivery");
      assert.equal(answer.status, "pending", "a replayed delivery is pending");
      assert.equal(answer.attempts, 0, "a replayed delivery has a fresh attempt budget");

      const again = await receiver.waitFor((request) => runIdOf(request) === runId, {
        count: before + 1,
        timeoutMs: firstDeliveryBound,
        what: "the replayed delivery",
      });
      const replayed = assertDeliveryRequest(context, again[before] as ReceivedRequest, {
        secret: created.secret,
        webhookId: created.webhookId,
        durable: true,
        label: "the replayed delivery",
      });
      assert.equal(replayed.deliveryId, deliveryId, "the replay carries the same X-openwop-Delivery-Id");
      assert.equal(replayed.cursor, original.cursor, "the replay carries the same X-openwop-Cursor");
      assert.deepEqual(replayed.event, original.event, "the replay carries the same event");

      const after = await waitForDelivery(
        context,
        created.webhookId,
        deliveryId,
        (delivery) => delivery.status === "delivered" && (delivery.attemptLog?.length ?? 0) >= 2,
        DELIVERY_MARGIN_MS,
        "delivered again",
      );
      assert.equal(after.attempts, 0, "no failed attempt since the replay's fresh budget");
      assert.equal(after.attemptLog?.at(-1)?.statusCode, 200, "the replay's attempt is recorded, with its 200");
      assert.deepEqual(
        (after.attemptLog ?? []).map((attempt) => attempt.attempt),
        (after.attemptLog ?? []).map((_attempt, index) => index + 1),
        "attempt numbers count up across the replay",
      );

      const unknown = `dlv-conformance-unknown-${randomBytes(6).toString("hex")}`;
      assertErrorEnvelope(
        assert,
        await client.raw("GET", deliveryPath(created.webhookId, unknown)),
        { code: "not_found" },
        "GET .../deliveries/{unknown}",
      );
      assertErrorEnvelope(
        assert,
        await client.raw("POST", `${deliveryPath(created.webhookId, unknown)}/replay`),
        { code: "not_found" },
        "POST .../deliveries/{unknown}/replay",
      );
    },
  },
  {
    id: "webhooks-inspection",
    title: "GET .../deliveries lists newest first, filters by status, run and event type, and pages with its cursor",
    profiles: DURABLE,
    spec: "spec/v1/webhooks.md §14.1",
    alsoCites: ["spec/v1/webhooks.md §14.2", "spec/v1/webhooks.md §12.3", "spec/v1/webhooks.md §13.1"],
    gate: allOf(needsDurableWebhooks, needsNoop),
    timeoutMs: 90_000,
    async run(context) {
      const assert: Assertions = context.assert;
      const { client } = context;
      const seam = privateWebhookUrls(context.options);
      const receiver = seam ? await startWebhookReceiver(context) : undefined;
      const tag = uniqueTag("inspection");
      const types = ["run.started", "node.completed", "run.completed"];
      const created = (
        await registerWebhook(context, {
          url: receiver?.url ?? QUIET_WEBHOOK_URL,
          events: types as [string, ...string[]],
          tags: [tag],
        })
      ).created;
      // Paused, the deliveries are recorded and wait (§12.3): they hold still while they are read.
      await setPaused(context, created.webhookId, "pause", "pausing the subscription");
      const older = await startTaggedRun(context, tag);
      await waitForTerminal(context, older);
      const newer = await startTaggedRun(context, tag);
      await waitForTerminal(context, newer);
      const expected = new Map<string, RunEvent[]>();
      for (const runId of [older, newer])
        expected.set(
          runId,
          (await readLog(context, runId)).filter((event) => types.includes(event.type)),
        );
      const key = (item: { runId: string; sequence: number; eventType?: string; type?: string }) =>
        `${item.runId}#${item.sequence}#${item.eventType ?? item.type}`;
      const wanted = [...expected.values()].flat().map(key).sort();

      const everything = await allDeliveries(context, created.webhookId, {}, "the deliveries in pages of 2", 2);
      assert.deepEqual(
        everything.map(key).sort(),
        wanted,
        "one delivery for every subscribed event of the tagged runs, and nothing else",
      );
      assertNewestFirst(assert, everything, "GET .../deliveries");
      const lastNewer = everything.map((delivery) => delivery.runId).lastIndexOf(newer);
      const firstOlder = everything.map((delivery) => delivery.runId).indexOf(older);
      assert.ok(lastNewer < firstOlder, "the later run's deliveries are listed before the earlier run's");
      for (const delivery of everything) {
        assert.equal(delivery.webhookId, created.webhookId, `delivery ${delivery.deliveryId}: webhookId`);
        assert.equal(delivery.status, "pending", `delivery ${delivery.deliveryId}: waits while paused`);
        assert.equal(delivery.attempts, 0, `delivery ${delivery.deliveryId}: not attempted while paused`);
      }

      const ids = (deliveries: readonly WebhookDelivery[]) => deliveries.map((delivery) => delivery.deliveryId).sort();
      const where = (test: (delivery: WebhookDelivery) => boolean) => ids(everything.filter(test));
      const filtered = async (query: Record<string, string>, label: string) =>
        ids(await allDeliveries(context, created.webhookId, query, label));
      assert.deepEqual(
        await filtered({ runId: older }, "runId filter"),
        where((delivery) => delivery.runId === older),
        "?runId= lists exactly that run's deliveries",
      );
      assert.deepEqual(
        await filtered({ eventType: "run.completed" }, "eventType filter"),
        where((delivery) => delivery.eventType === "run.completed"),
        "?eventType= lists exactly that type's deliveries",
      );
      assert.deepEqual(
        await filtered({ runId: newer, eventType: "run.started" }, "runId and eventType filters"),
        where((delivery) => delivery.runId === newer && delivery.eventType === "run.started"),
        "?runId=&eventType= lists the deliveries meeting both",
      );
      assert.deepEqual(await filtered({ status: "pending" }, "status filter"), ids(everything), "?status=pending");
      assert.deepEqual(await filtered({ status: "delivered" }, "status filter"), [], "?status=delivered while paused");
      assert.deepEqual(await filtered({ status: "dead_lettered" }, "status filter"), [], "?status=dead_lettered");

      const one = everything[0] as WebhookDelivery;
      const read = await readDelivery(context, created.webhookId, one.deliveryId, "a delivery read alone");
      assert.equal(read.deliveryId, one.deliveryId, "GET .../deliveries/{deliveryId}: deliveryId");
      assert.deepEqual(read.attemptLog, [], "an unattempted delivery's attemptLog is empty");
      assertErrorEnvelope(
        assert,
        await client.raw("GET", deliveryPath(created.webhookId, `dlv-conformance-unknown-${randomUUID()}`)),
        { code: "not_found" },
        "GET .../deliveries/{unknown}",
      );

      if (receiver === undefined) {
        context.note("the delivered status filter was checked on an empty result only: no private-URL seam");
        return;
      }
      await setPaused(context, created.webhookId, "resume", "resuming the subscription");
      const deadline = Date.now() + context.scaled(DELIVERY_MARGIN_MS);
      let delivered: string[] = [];
      while (delivered.length < everything.length && Date.now() < deadline) {
        await context.sleep(200);
        delivered = await filtered({ status: "delivered" }, "status filter after resuming");
      }
      assert.deepEqual(delivered, ids(everything), "?status=delivered lists every delivery once they were delivered");
      assert.deepEqual(
        await filtered({ status: "pending" }, "status filter after resuming"),
        [],
        "?status=pending after delivery",
      );
      const attempted = await readDelivery(
        context,
        created.webhookId,
        one.deliveryId,
        "a delivered delivery read alone",
      );
      assert.ok((attempted.attemptLog ?? []).length >= 1, "a delivered delivery's attemptLog records its attempt");
      assert.equal(attempted.attemptLog?.at(-1)?.statusCode, 200, "the last attempt got 200");
    },
  },
  {
    id: "webhooks-pause-resume",
    title: "A paused subscription records deliveries and sends none; resuming sends them",
    profiles: DURABLE,
    spec: "spec/v1/webhooks.md §12.3",
    alsoCites: ["spec/v1/webhooks.md §13.3"],
    gate: allOf(needsDurableWebhooks, needsNoop),
    async run(context) {
      const assert: Assertions = context.assert;
      requirePrivateUrls(context);
      const receiver = await startWebhookReceiver(context);
      const tag = uniqueTag("pause");
      const created = await subscribeReceiver(context, receiver, tag);
      await setPaused(context, created.webhookId, "pause", "pause");
      await setPaused(context, created.webhookId, "pause", "pause again (not an error)");
      const read = await readSubscription(context, created.webhookId, "the paused subscription");
      assert.equal(read.status, "paused", "GET /v1/webhooks/{webhookId} shows it paused");

      const runId = await startTaggedRun(context, tag);
      await waitForTerminal(context, runId);
      await context.sleep(context.scaled(QUIET_PERIOD_MS));
      assert.equal(ofRun(receiver, runId).length, 0, "nothing is delivered while the subscription is paused");
      const waiting = await allDeliveries(context, created.webhookId, { runId }, "the deliveries while paused");
      assert.equal(waiting.length, 1, "the run.completed delivery is recorded while paused");
      assert.equal(waiting[0]?.status, "pending", "the recorded delivery waits, pending");
      assert.equal(waiting[0]?.attempts, 0, "the recorded delivery was not attempted");

      await setPaused(context, created.webhookId, "resume", "resume");
      await setPaused(context, created.webhookId, "resume", "resume again (not an error)");
      const [request] = await receiver.waitFor((other) => runIdOf(other) === runId, {
        timeoutMs: firstDeliveryBound,
        what: "the delivery once resumed",
      });
      const facts = assertDeliveryRequest(context, request as ReceivedRequest, {
        secret: created.secret,
        webhookId: created.webhookId,
        durable: true,
        label: "the delivery once resumed",
      });
      assert.equal(facts.deliveryId, waiting[0]?.deliveryId, "the waiting delivery is the one sent");
      assert.equal(eventOf(request as ReceivedRequest)?.type, "run.completed", "the delivered event's type");
    },
  },
  {
    id: "event-feed-order-and-resume",
    title:
      "GET /v1/events gives every event of the tenant's runs once, in each run's order, resumable from any cursor, long-polling",
    profiles: DURABLE,
    spec: "spec/v1/webhooks.md §15",
    gate: allOf(needsDurableWebhooks, needsFixtures("conformance-noop", "conformance-multi-node")),
    timeoutMs: 90_000,
    async run(context) {
      const assert: Assertions = context.assert;
      const { client } = context;
      const tail = await feedTail(context, "the feed before the scenario's runs");
      const runs = await Promise.all([1, 2, 3].map(() => startRun(context, "conformance-multi-node")));
      for (const runId of runs) await waitForTerminal(context, runId);
      const logs = new Map<string, RunEvent[]>();
      for (const runId of runs) logs.set(runId, await readLog(context, runId));

      const read = await readFeed(context, { after: tail, limit: 2, label: "the feed in pages of 2" });
      const identities = read.entries.map((entry) => `${entry.event.runId}#${entry.event.sequence}`);
      assert.equal(new Set(identities).size, identities.length, "no event appears twice in the feed");
      for (const [index, runId] of runs.entries()) {
        assert.deepEqual(
          read.entries.filter((entry) => entry.event.runId === runId).map((entry) => entry.event),
          logs.get(runId),
          `the feed holds every event of run ${index + 1}, once, in sequence order, as its log has them`,
        );
      }

      // Resuming from a cursor in the middle gives exactly what followed it.
      const middle = Math.floor(read.entries.length / 2);
      const resumeFrom = read.entries[middle] as FeedEntry;
      const resumed = await readFeed(context, {
        after: resumeFrom.cursor,
        limit: 3,
        label: "the feed from a mid cursor",
      });
      const rest = read.entries.slice(middle + 1);
      assert.deepEqual(
        resumed.entries.slice(0, rest.length),
        rest,
        "reading from a mid cursor gives exactly the entries after it, in the same order",
      );
      assert.ok(
        resumed.entries.slice(rest.length).every((entry) => !runs.includes(entry.event.runId)),
        "webhooks.md §15: GET /v1/events?after={a mid cursor}: nothing of the finished runs may appear after the " +
          "end an earlier read reached; entries past that end",
        resumed.entries.slice(rest.length).map((entry) => entry.event.type),
      );

      const types = ["run.started", "run.completed"];
      const typed = await readFeed(context, { after: tail, types, limit: 100, label: "the feed filtered by types" });
      assert.ok(
        typed.entries.every((entry) => types.includes(entry.event.type)),
        "webhooks.md §15: GET /v1/events?types=run.started,run.completed: must answer only those event types; " +
          "types answered",
        [...new Set(typed.entries.map((entry) => entry.event.type))],
      );
      for (const [index, runId] of runs.entries()) {
        assert.deepEqual(
          typed.entries.filter((entry) => entry.event.runId === runId).map((entry) => entry.event),
          logs.get(runId)?.filter((event) => types.includes(event.type)),
          `?types= gives run ${index + 1}'s events of those types`,
        );
      }

      assertErrorEnvelope(
        assert,
        await client.raw("GET", "/v1/events?after=not-a-cursor-this-host-issued"),
        { code: "validation_error" },
        "GET /v1/events with a cursor the host did not issue",
      );

      // A held request returns with the first event that follows its cursor: the new run's first.
      const wait = 10;
      const started = performance.now();
      const held = feedPage(context, { after: resumed.end, wait, label: `GET /v1/events?wait=${wait} at the end` });
      await context.sleep(500);
      const newRun = await startRun(context, "conformance-noop");
      let page = await held;
      const elapsed = performance.now() - started;
      assert.ok(
        page.events.length > 0,
        `GET /v1/events?wait=${wait} answered an empty page after ${Math.round(elapsed)} ms although a run was started after 500 ms`,
      );
      assert.ok(
        elapsed < (wait - 1) * 1000,
        `the held request returned when the event arrived (after ${Math.round(elapsed)} ms), not at the end of its wait`,
      );
      let first = page.events.find((entry) => entry.event.runId === newRun);
      if (first !== undefined)
        assert.ok(
          elapsed >= 400,
          `the request was held until the run started (it answered after ${Math.round(elapsed)} ms)`,
        );
      else context.note("events of other runs answered the held request first; the hold itself was not timed");
      for (let round = 2; first === undefined && round <= 5; round += 1) {
        page = await feedPage(context, {
          after: page.nextCursor,
          wait,
          label: `GET /v1/events?wait=${wait}, round ${round}`,
        });
        first = page.events.find((entry) => entry.event.runId === newRun);
      }
      assert.ok(first !== undefined, "the new run's events reach the feed");
      await waitForTerminal(context, newRun);
      assert.deepEqual(
        first.event,
        (await readLog(context, newRun))[0],
        "the first feed entry of the new run is its first event",
      );
    },
  },
];
