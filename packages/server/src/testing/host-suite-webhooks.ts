import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectErrorEnvelope } from "./error-envelope.js";
import { bearer, request, type HttpResult, type RequestOptions } from "./http.js";
import type { RunProbe } from "./run-probe.js";
import {
  ACCEPT_ALL,
  signedWith,
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from "./webhook-receiver.js";

/** What the webhook section needs of the suite's host. */
export interface WebhookSuiteContext {
  url: () => string;
  apiKey: string;
  /** A key of another tenant with every scope. */
  otherTenantKey: string;
  probe: RunProbe;
}

/**
 * The settings a suite host is launched with so its webhooks can be tested: loopback
 * receivers allowed, retries fast, a small budget, and a circuit that opens only in the
 * tests that ask for it.
 */
export const WEBHOOK_SUITE_SETTINGS = {
  webhookAllowPrivate: true,
  webhookRetryBaseMs: 40,
  webhookMaxRetryDelayMs: 200,
  webhookMaxAttempts: 3,
  webhookCircuitFailures: 1000,
} as const;

interface Subscription {
  webhookId: string;
  subscriptionId: string;
  secret: string;
  secretFingerprint: string;
  status: string;
  url: string;
}

interface Delivery {
  deliveryId: string;
  runId: string;
  eventType: string;
  status: string;
  attempts: number;
  cursor: string;
  attemptLog?: Array<{ attempt: number; statusCode: number | null; address: string | null; error: string | null }>;
}

let tags = 0;
/** A tag of this test's own, for its subscriptions and runs: tests never see each other's deliveries. */
const freshTag = (): string => `webhook-suite-${process.pid}-${++tags}`;

const runIdOf = (hook: ReceivedWebhook): string | undefined => (hook.json as { runId?: string } | undefined)?.runId;

/** Webhooks of webhooks.md §2-§15 over real receivers: registration, signing, inspection, replay, the feed. */
export function describeWebhookSuite(context: WebhookSuiteContext): void {
  describe("webhooks", () => {
    let receiver: WebhookReceiver;
    let durable = false;
    const call = (path: string, options: RequestOptions = {}, key = context.apiKey): Promise<HttpResult> =>
      request(context.url(), path, { ...options, headers: { ...bearer(key), ...options.headers } });
    const subscribe = async (body: Record<string, unknown>, key = context.apiKey): Promise<Subscription> => {
      const created = await call("/v1/webhooks", { method: "POST", body }, key);
      expect(created.status, created.text).toBe(201);
      expect(created.headers.get("cache-control")).toBe("no-store");
      return created.json as Subscription;
    };
    const deliveries = async (webhookId: string, query = ""): Promise<Delivery[]> => {
      const listed = await call(`/v1/webhooks/${webhookId}/deliveries${query}`);
      expect(listed.status, listed.text).toBe(200);
      return (listed.json as { deliveries: Delivery[] }).deliveries;
    };
    /** A finished run carrying `tag`, so only the subscriptions of its own test see it. */
    const completedRun = async (tag?: string): Promise<string> => {
      const runId = await context.probe.create("conformance-noop", {}, tag ? { tags: [tag] } : {});
      expect(await context.probe.waitFor(runId, ["completed"], 10_000)).toBe("completed");
      return runId;
    };
    const hooksOf = (runId: string) => (hook: ReceivedWebhook) => runIdOf(hook) === runId;

    beforeAll(async () => {
      receiver = await startWebhookReceiver();
      const discovery = (await request(context.url(), "/.well-known/openwop")).json as {
        webhooks: { durable: boolean };
      };
      durable = discovery.webhooks.durable;
    });

    afterAll(async () => {
      await receiver?.close();
    });

    it("advertises signed webhooks, and the retry policy only when deliveries are durable", async () => {
      const discovery = (await request(context.url(), "/.well-known/openwop")).json as {
        webhooks: Record<string, unknown>;
      };
      expect(discovery.webhooks).toMatchObject({
        supported: true,
        signatureAlgorithms: ["v1", "standard-webhooks"],
      });
      if (durable) {
        expect(discovery.webhooks).toMatchObject({ maxAttempts: 3, retryBaseMs: 40, maxRetryDelayMs: 200 });
      } else {
        expect(discovery.webhooks).not.toHaveProperty("maxAttempts");
      }
    });

    it("shows the secret once, and signs each delivery with it (v1), headers of webhooks.md §5.1 and §13.4", async () => {
      const tag = freshTag();
      const created = await subscribe({ url: receiver.url, events: ["run.completed"], tags: [tag] });
      expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(created.subscriptionId).toBe(created.webhookId);
      expect(created.status).toBe("active");
      for (const read of [await call(`/v1/webhooks/${created.webhookId}`), await call("/v1/webhooks?limit=100")]) {
        expect(read.status).toBe(200);
        expect(read.text).toContain(created.webhookId);
        expect(read.text).not.toContain(created.secret);
      }

      const runId = await completedRun(tag);
      const [hook] = await receiver.waitFor(1, hooksOf(runId));
      const headers = (hook as ReceivedWebhook).headers;
      expect(headers["x-openwop-webhook-id"]).toBe(created.webhookId);
      expect(headers["x-openwop-event-type"]).toBe("run.completed");
      expect(headers["x-openwop-signature-algorithm"]).toBe("v1");
      expect(headers["user-agent"]).toMatch(/^openwop-webhook-dispatcher\//);
      expect(signedWith(hook as ReceivedWebhook, created.secret)).toBe(true);
      expect(signedWith(hook as ReceivedWebhook, "x".repeat(64))).toBe(false);
      expect((hook as ReceivedWebhook).json).toMatchObject({ runId, event: { type: "run.completed", runId } });

      // The delivery is inspectable: delivered at the first attempt (no failed attempt counted), which is recorded.
      let delivered: Delivery | undefined;
      for (let i = 0; i < 100 && delivered?.status !== "delivered"; i += 1) {
        [delivered] = await deliveries(created.webhookId, `?runId=${runId}`);
        if (delivered?.status !== "delivered") await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(delivered).toMatchObject({ runId, eventType: "run.completed", status: "delivered", attempts: 0 });
      expect(headers["x-openwop-delivery-id"]).toBe(delivered?.deliveryId);
      expect(headers["x-openwop-cursor"]).toBe(delivered?.cursor);
      const detail = await call(`/v1/webhooks/${created.webhookId}/deliveries/${delivered?.deliveryId}`);
      expect(detail.status).toBe(200);
      expect((detail.json as Delivery).attemptLog).toEqual([
        expect.objectContaining({ attempt: 1, statusCode: 200, address: "127.0.0.1", error: null }),
      ]);
      await call(`/v1/webhooks/${created.webhookId}`, { method: "DELETE" });
    });

    it("replays a delivery with the same delivery id, keeping the earlier attempts", async () => {
      const tag = freshTag();
      const created = await subscribe({ url: receiver.url, events: ["run.completed"], tags: [tag] });
      const runId = await completedRun(tag);
      const [first] = await receiver.waitFor(1, hooksOf(runId));
      const deliveryId = String((first as ReceivedWebhook).headers["x-openwop-delivery-id"]);
      const replayed = await call(`/v1/webhooks/${created.webhookId}/deliveries/${deliveryId}/replay`, {
        method: "POST",
      });
      expect(replayed.status, replayed.text).toBe(202);
      expect(replayed.json).toMatchObject({ deliveryId, status: "pending" });
      const both = await receiver.waitFor(2, hooksOf(runId));
      expect(both.map((hook) => hook.headers["x-openwop-delivery-id"])).toEqual([deliveryId, deliveryId]);
      expect(both[1]?.rawBody).toBe(both[0]?.rawBody);
      await expectAttempts(created.webhookId, deliveryId, 2);
      expectErrorEnvelope(
        await call(`/v1/webhooks/${created.webhookId}/deliveries/dl_unknown/replay`, { method: "POST" }),
        404,
        "not_found",
      );
      await call(`/v1/webhooks/${created.webhookId}`, { method: "DELETE" });
    });

    const expectAttempts = async (webhookId: string, deliveryId: string, count: number): Promise<Delivery> => {
      for (let i = 0; ; i += 1) {
        const detail = (await call(`/v1/webhooks/${webhookId}/deliveries/${deliveryId}`)).json as Delivery;
        const settled = detail.status === "delivered" || detail.status === "dead_lettered";
        if ((detail.attemptLog?.length ?? 0) >= count && settled) return detail;
        if (i > 300)
          throw new Error(`delivery ${deliveryId} has ${detail.attemptLog?.length} attempts, ${detail.status}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    it("retries a failing receiver within the budget, dead-letters it after, and replays dead letters", async () => {
      const failing = await startWebhookReceiver(() => ({ status: 503, body: "down for maintenance" }));
      try {
        const tag = freshTag();
        const created = await subscribe({ url: failing.url, events: ["run.completed"], tags: [tag] });
        const runId = await completedRun(tag);
        const budget = durable ? WEBHOOK_SUITE_SETTINGS.webhookMaxAttempts : 1;
        await failing.waitFor(budget, hooksOf(runId));
        const [delivery] = await deliveries(created.webhookId, `?runId=${runId}`);
        const dead = await expectAttempts(created.webhookId, String(delivery?.deliveryId), budget);
        expect(dead).toMatchObject({ status: "dead_lettered", attempts: budget });
        expect(dead.attemptLog?.map((attempt) => attempt.statusCode)).toEqual(Array(budget).fill(503));
        expect(dead.attemptLog?.[0]).toMatchObject({ responseExcerpt: "down for maintenance" });
        expect((await deliveries(created.webhookId, "?status=dead_lettered")).map((d) => d.deliveryId)).toContain(
          dead.deliveryId,
        );
        // The receiver recovers; the operator requeues the dead letters; a second requeue finds none.
        failing.answer(ACCEPT_ALL);
        const requeued = await call(`/v1/webhooks/${created.webhookId}/dead-letters/replay`, {
          method: "POST",
          body: { eventTypes: ["run.completed"] },
        });
        expect(requeued.status, requeued.text).toBe(202);
        expect(requeued.json).toEqual({ requeued: 1 });
        await failing.waitFor(budget + 1, hooksOf(runId));
        const redelivered = await expectAttempts(created.webhookId, dead.deliveryId, budget + 1);
        // A replay starts a fresh budget: the delivered attempt after it counted no failure.
        expect(redelivered).toMatchObject({ status: "delivered", attempts: 0 });
        const again = await call(`/v1/webhooks/${created.webhookId}/dead-letters/replay`, { method: "POST" });
        expect(again.json).toEqual({ requeued: 0 });
        expectErrorEnvelope(
          await call(`/v1/webhooks/${created.webhookId}/dead-letters/replay`, { method: "POST", body: { limit: 0 } }),
          400,
          "validation_error",
        );
        await call(`/v1/webhooks/${created.webhookId}`, { method: "DELETE" });
      } finally {
        await failing.close();
      }
    });

    it("holds deliveries while paused and sends them on resume", async () => {
      const tag = freshTag();
      const created = await subscribe({ url: receiver.url, events: ["run.completed"], tags: [tag] });
      const paused = await call(`/v1/webhooks/${created.webhookId}/pause`, { method: "POST" });
      expect(paused.json).toMatchObject({ status: "paused" });
      const runId = await completedRun(tag);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received.filter(hooksOf(runId))).toHaveLength(0);
      expect((await deliveries(created.webhookId, `?runId=${runId}`))[0]).toMatchObject({
        status: "pending",
        attempts: 0,
      });
      const resumed = await call(`/v1/webhooks/${created.webhookId}/resume`, { method: "POST" });
      expect(resumed.json).toMatchObject({ status: "active" });
      await receiver.waitFor(1, hooksOf(runId));
      await call(`/v1/webhooks/${created.webhookId}`, { method: "DELETE" });
    });

    it("keeps subscriptions and deliveries within their tenant", async () => {
      const tag = freshTag();
      const created = await subscribe({ url: receiver.url, events: ["run.completed"], tags: [tag] });
      for (const path of [`/v1/webhooks/${created.webhookId}`, `/v1/webhooks/${created.webhookId}/deliveries`]) {
        expectErrorEnvelope(await call(path, {}, context.otherTenantKey), 404, "subscription_not_found");
      }
      expectErrorEnvelope(
        await call(`/v1/webhooks/${created.webhookId}`, { method: "DELETE" }, context.otherTenantKey),
        404,
        "subscription_not_found",
      );
      const theirs = (await call("/v1/webhooks?limit=100", {}, context.otherTenantKey)).json as {
        webhooks: Array<{ webhookId: string }>;
      };
      expect(theirs.webhooks.map((w) => w.webhookId)).not.toContain(created.webhookId);
      expectErrorEnvelope(
        await call("/v1/webhooks", {
          method: "POST",
          body: { url: receiver.url, events: ["run.completed"], tenantId: "tenant-b" },
        }),
        403,
        "forbidden",
      );
      // Another tenant's run is never delivered to this tenant's subscription.
      const otherRun = await request(context.url(), "/v1/runs", {
        method: "POST",
        headers: bearer(context.otherTenantKey),
        body: { workflowId: "conformance-noop" },
      });
      const otherRunId = (otherRun.json as { runId: string }).runId;
      const mine = await completedRun(tag);
      await receiver.waitFor(1, hooksOf(mine));
      expect(receiver.received.filter(hooksOf(otherRunId))).toHaveLength(0);
      expect(await deliveries(created.webhookId, `?runId=${otherRunId}`)).toEqual([]);
      const removed = await call(`/v1/webhooks/${created.webhookId}`, { method: "DELETE" });
      expect(removed.status).toBe(204);
      expectErrorEnvelope(await call(`/v1/webhooks/${created.webhookId}`), 404, "subscription_not_found");
    });

    it("refuses bad registrations with 400 and the field", async () => {
      for (const [body, code] of [
        [{ url: "ftp://example.com/hook", events: ["run.completed"] }, "webhook_url_rejected"],
        [{ url: "http://user:pw@127.0.0.1:1/hook", events: ["run.completed"] }, "webhook_url_rejected"],
        [{ url: receiver.url, events: [] }, "validation_error"],
        [{ url: receiver.url, events: ["not an event type"] }, "validation_error"],
        [{ url: receiver.url, events: ["run.completed"], secret: "short" }, "validation_error"],
        [{ url: receiver.url, events: ["run.completed"], surprise: true }, "validation_error"],
      ] as const) {
        const refused = expectErrorEnvelope(await call("/v1/webhooks", { method: "POST", body }), 400, code);
        expect(refused.details).toHaveProperty("field");
      }
      expectErrorEnvelope(await call("/v1/webhooks?limit=0"), 400, "validation_error");
      expectErrorEnvelope(await call("/v1/webhooks?cursor=forged"), 400, "validation_error");
      expectErrorEnvelope(await call("/v1/webhooks/wh_nope/deliveries?status=lost"), 404, "subscription_not_found");
      expectErrorEnvelope(await call("/v1/webhooks/wh_nope"), 404, "subscription_not_found");
      // Only a key with webhooks:manage manages webhooks.
      const reader = await call("/v1/keys", { method: "POST", body: { scopes: ["runs:read"] } });
      const readerKey = (reader.json as { key: string }).key;
      expectErrorEnvelope(await call("/v1/webhooks", {}, readerKey), 403, "forbidden");
    });

    it("replays a registration under its Idempotency-Key with the same secret and no second subscription", async () => {
      const headers = { "idempotency-key": `wh-${Math.random().toString(36).slice(2)}` };
      const body = { url: receiver.url, events: ["run.failed"] };
      const first = await call("/v1/webhooks", { method: "POST", body, headers });
      const second = await call("/v1/webhooks", { method: "POST", body, headers });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.headers.get("openwop-idempotent-replay")).toBe("true");
      expect(second.json).toEqual(first.json);
      await call(`/v1/webhooks/${(first.json as Subscription).webhookId}`, { method: "DELETE" });
    });

    describe("the tenant event feed", () => {
      interface FeedPage {
        events: Array<{ cursor: string; event: { runId: string; type: string; sequence: number } }>;
        nextCursor: string | null;
      }
      const feed = async (query: string, key = context.apiKey): Promise<FeedPage> => {
        const page = await call(`/v1/events${query}`, {}, key);
        expect(page.status, page.text).toBe(200);
        return page.json as FeedPage;
      };
      /** Every entry after `after`, following nextCursor to the end. */
      const drain = async (after: string | null, key = context.apiKey): Promise<FeedPage["events"]> => {
        const entries: FeedPage["events"] = [];
        let cursor = after;
        for (;;) {
          const page = await feed(`?limit=1000${cursor ? `&after=${cursor}` : ""}`, key);
          entries.push(...page.events);
          if (page.events.length === 0) return entries;
          cursor = page.nextCursor;
        }
      };

      it("serves every event of the tenant's runs after a cursor, in each run's order, and none of another tenant's", async () => {
        const start = (await drain(null)).at(-1)?.cursor ?? null;
        const runs = [await completedRun(), await completedRun()];
        const otherRun = await request(context.url(), "/v1/runs", {
          method: "POST",
          headers: bearer(context.otherTenantKey),
          body: { workflowId: "conformance-noop" },
        });
        const otherRunId = (otherRun.json as { runId: string }).runId;
        const entries = await drain(start);
        for (const runId of runs) {
          const log = await context.probe.events(runId);
          expect(entries.filter((e) => e.event.runId === runId).map((e) => e.event.sequence)).toEqual(
            log.map((e) => e.sequence),
          );
        }
        expect(entries.some((e) => e.event.runId === otherRunId)).toBe(false);
        const theirs = await drain(null, context.otherTenantKey);
        expect(theirs.every((e) => e.event.runId === otherRunId || !runs.includes(e.event.runId))).toBe(true);
        // Filtered by type; the cursor of an empty page is the one sent.
        const completions = await feed(`?types=run.completed&limit=1000${start ? `&after=${start}` : ""}`);
        expect(completions.events.map((e) => e.event.runId).filter((id) => runs.includes(id))).toEqual(runs);
        const last = entries.at(-1)?.cursor as string;
        expect(await feed(`?after=${last}`)).toEqual({ events: [], nextCursor: last });
      });

      it("holds an empty page with wait= until the tenant's next event", async () => {
        const last = (await drain(null)).at(-1)?.cursor ?? null;
        const waiting = feed(`?wait=10${last ? `&after=${last}` : ""}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const runId = await context.probe.create("conformance-noop");
        const page = await waiting;
        expect(page.events.length).toBeGreaterThan(0);
        expect(page.events[0]?.event.runId).toBe(runId);
        await context.probe.waitFor(runId, ["completed"], 10_000);
      });

      it("refuses a cursor it did not issue and bad parameters with 400", async () => {
        for (const query of ["?after=forged", "?limit=0", "?limit=1001", "?wait=61", "?types=Not%20A%20Type"]) {
          expectErrorEnvelope(await call(`/v1/events${query}`), 400, "validation_error");
        }
        expectErrorEnvelope(await request(context.url(), "/v1/events"), 401, "unauthenticated");
      });
    });
  });
}
