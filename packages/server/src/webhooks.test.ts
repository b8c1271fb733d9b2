import { mkdtemp, readFile, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "./host.js";
import { resolveHostSettings, type HostSettings } from "./settings/host-settings.js";
import { expectErrorEnvelope } from "./testing/error-envelope.js";
import { bearer, request, type HttpResult, type RequestOptions } from "./testing/http.js";
import { RunProbe } from "./testing/run-probe.js";
import {
  ACCEPT_ALL,
  startWebhookReceiver,
  signedWith,
  type ReceivedWebhook,
  type WebhookReceiver,
} from "./testing/webhook-receiver.js";

const KEY = "hk_test_webhooks_suite";
const SEAL_KEY = randomBytes(32).toString("base64");

let dir: string;
let host: RunningHost | undefined;
const receivers: WebhookReceiver[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openwop-webhooks-"));
});

afterEach(async () => {
  await host?.close();
  host = undefined;
  for (const receiver of receivers.splice(0)) await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

/** A durable (SQLite) host delivering to loopback receivers, retrying fast. */
async function start(settings: Partial<HostSettings> = {}): Promise<RunningHost> {
  host = await startOpenWopHost({
    adapter: openSqliteAdapter({ path: join(dir, "openwop.db") }),
    implementation: { name: "webhooks-test", version: "1.2.3" },
    settings: resolveHostSettings({
      apiKey: KEY,
      webhookAllowPrivate: true,
      webhookRetryBaseMs: 20,
      webhookMaxRetryDelayMs: 100,
      webhookSecretKey: SEAL_KEY,
      ...settings,
    }),
  });
  return host;
}

async function receiver(plan?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(plan);
  receivers.push(started);
  return started;
}

const call = (path: string, options: RequestOptions = {}): Promise<HttpResult> =>
  request((host as RunningHost).url, path, { ...options, headers: { ...bearer(KEY), ...options.headers } });

async function subscribe(body: Record<string, unknown>): Promise<{ webhookId: string; secret: string }> {
  const created = await call("/v1/webhooks", { method: "POST", body });
  expect(created.status, created.text).toBe(201);
  return created.json as { webhookId: string; secret: string };
}

async function completedRun(): Promise<string> {
  const probe = new RunProbe(() => (host as RunningHost).url, KEY);
  const runId = await probe.create("conformance-noop");
  expect(await probe.waitFor(runId, ["completed"], 10_000)).toBe("completed");
  return runId;
}

const ofRun = (runId: string) => (hook: ReceivedWebhook) => (hook.json as { runId?: string }).runId === runId;

describe("Standard Webhooks signatures", () => {
  it("signs a standard-webhooks subscription so the standardwebhooks library verifies it, with a generated whsec_ secret", async () => {
    await start();
    const to = await receiver();
    const created = await subscribe({ url: to.url, events: ["run.completed"], signature: "standard-webhooks" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const runId = await completedRun();
    const [hook] = await to.waitFor(1, ofRun(runId));
    const { headers, rawBody } = hook as ReceivedWebhook;
    expect(headers["webhook-id"]).toBe(headers["x-openwop-delivery-id"]);
    expect(headers["webhook-timestamp"]).toBe(headers["x-openwop-timestamp"]);
    const verified = new Webhook(created.secret).verify(rawBody, {
      "webhook-id": String(headers["webhook-id"]),
      "webhook-timestamp": String(headers["webhook-timestamp"]),
      "webhook-signature": String(headers["webhook-signature"]),
    });
    expect(verified).toMatchObject({ runId, event: { type: "run.completed" } });
    // The same bytes under another secret do not verify.
    expect(() =>
      new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(rawBody, {
        "webhook-id": String(headers["webhook-id"]),
        "webhook-timestamp": String(headers["webhook-timestamp"]),
        "webhook-signature": String(headers["webhook-signature"]),
      }),
    ).toThrow();
  });

  it("accepts a caller's whsec_ secret and signs with its bytes", async () => {
    await start();
    const to = await receiver();
    const secret = `whsec_${randomBytes(24).toString("base64")}`;
    const created = await subscribe({ url: to.url, events: ["run.completed"], signature: "standard-webhooks", secret });
    expect(created.secret).toBe(secret);
    const runId = await completedRun();
    const [hook] = await to.waitFor(1, ofRun(runId));
    const { headers, rawBody } = hook as ReceivedWebhook;
    expect(() =>
      new Webhook(secret).verify(rawBody, {
        "webhook-id": String(headers["webhook-id"]),
        "webhook-timestamp": String(headers["webhook-timestamp"]),
        "webhook-signature": String(headers["webhook-signature"]),
      }),
    ).not.toThrow();
    // A whsec_ secret that is not base64 cannot key a signature: refused at registration.
    expectErrorEnvelope(
      await call("/v1/webhooks", {
        method: "POST",
        body: {
          url: to.url,
          events: ["run.completed"],
          signature: "standard-webhooks",
          secret: `whsec_${"!".repeat(40)}`,
        },
      }),
      400,
      "validation_error",
    );
  });
});

describe("circuit breaker", () => {
  it("opens one subscription's circuit after its failures in a row, holds its deliveries, probes after, and spares the others", async () => {
    await start({ webhookCircuitFailures: 2, webhookCircuitOpenMs: 1_500, webhookMaxAttempts: 20 });
    const flaky = await receiver(() => ({ status: 500 }));
    const healthy = await receiver();
    const broken = await subscribe({ url: flaky.url, events: ["run.completed"] });
    await subscribe({ url: healthy.url, events: ["run.completed"] });

    const first = await completedRun();
    await flaky.waitFor(2, ofRun(first));
    const opened = (await call(`/v1/webhooks/${broken.webhookId}`)).json as {
      circuit: { open: boolean; openUntil: string | null; consecutiveFailures: number };
    };
    expect(opened.circuit).toMatchObject({ open: true, consecutiveFailures: 2 });
    // While open: nothing is attempted for it, but another subscription gets every event.
    const second = await completedRun();
    await healthy.waitFor(1, ofRun(second));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(flaky.received).toHaveLength(2);
    const waiting = (await call(`/v1/webhooks/${broken.webhookId}/deliveries?runId=${second}`)).json as {
      deliveries: Array<{ attempts: number }>;
    };
    expect(waiting.deliveries[0]?.attempts).toBe(0);

    // The receiver recovers; after the open period the probe delivers and the circuit closes.
    flaky.answer(ACCEPT_ALL);
    await flaky.waitFor(1, ofRun(second), 10_000);
    await flaky.waitFor(3, ofRun(first), 10_000);
    const closed = (await call(`/v1/webhooks/${broken.webhookId}`)).json as {
      circuit: { open: boolean; consecutiveFailures: number };
    };
    expect(closed.circuit).toMatchObject({ open: false, consecutiveFailures: 0 });
  });

  it("closes the circuit at once on resume", async () => {
    await start({ webhookCircuitFailures: 1, webhookCircuitOpenMs: 3_600_000, webhookMaxAttempts: 20 });
    const flaky = await receiver(() => ({ status: 500 }));
    const broken = await subscribe({ url: flaky.url, events: ["run.completed"] });
    const runId = await completedRun();
    await flaky.waitFor(1, ofRun(runId));
    flaky.answer(ACCEPT_ALL);
    const resumed = await call(`/v1/webhooks/${broken.webhookId}/resume`, { method: "POST" });
    expect(resumed.json).toMatchObject({ status: "active", circuit: { open: false } });
    await flaky.waitFor(2, ofRun(runId), 10_000);
  });
});

describe("what counts as delivered", () => {
  it("treats a redirect as a failed attempt and never follows it", async () => {
    await start({ webhookMaxAttempts: 1 });
    const target = await receiver();
    const redirecting = await receiver(() => ({ status: 307, body: target.url }));
    const created = await subscribe({ url: redirecting.url, events: ["run.completed"] });
    const runId = await completedRun();
    await redirecting.waitFor(1, ofRun(runId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.received).toHaveLength(0);
    const [delivery] = (
      (await call(`/v1/webhooks/${created.webhookId}/deliveries?runId=${runId}`)).json as {
        deliveries: Array<{ status: string; lastError: string | null }>;
      }
    ).deliveries;
    expect(delivery?.status).toBe("dead_lettered");
  });
});

describe("receiver addresses", () => {
  it("refuses private, loopback and metadata receivers unless the host allows private URLs", async () => {
    await start({ webhookAllowPrivate: false });
    for (const url of [
      "http://127.0.0.1:9/hook",
      "https://127.0.0.1/hook",
      "https://10.1.2.3/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://localhost/hook",
      "http://example.com/hook",
    ]) {
      const refused = expectErrorEnvelope(
        await call("/v1/webhooks", { method: "POST", body: { url, events: ["run.completed"] } }),
        400,
        "webhook_url_rejected",
      );
      expect(refused.details, url).toMatchObject({ field: "url", reason: expect.any(String) });
    }
  });
});

describe("secrets at rest", () => {
  it("keeps no secret in the clear in the database, and a restart with the same key still signs", async () => {
    await start();
    const to = await receiver();
    const created = await subscribe({ url: to.url, events: ["run.completed"] });
    await (host as RunningHost).close();
    host = undefined;
    const files = await Promise.all(
      ["openwop.db", "openwop.db-wal"].map((name) => readFile(join(dir, name)).catch(() => Buffer.alloc(0))),
    );
    for (const bytes of files) expect(bytes.includes(Buffer.from(created.secret))).toBe(false);

    await start();
    const runId = await completedRun();
    const [hook] = await to.waitFor(1, ofRun(runId));
    expect(signedWith(hook as ReceivedWebhook, created.secret)).toBe(true);
  });

  it("records an attempt it cannot sign (the secret sealed under another key) as a failed attempt that says why", async () => {
    await start();
    const to = await receiver();
    const created = await subscribe({ url: to.url, events: ["run.completed"] });
    await (host as RunningHost).close();
    host = undefined;
    await start({ webhookSecretKey: randomBytes(32).toString("base64"), webhookMaxAttempts: 1 });
    const runId = await completedRun();
    let delivery: { status: string; lastError: string | null } | undefined;
    for (let i = 0; i < 200 && delivery?.status !== "dead_lettered"; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      [delivery] = (
        (await call(`/v1/webhooks/${created.webhookId}/deliveries?runId=${runId}`)).json as {
          deliveries: Array<{ status: string; lastError: string | null }>;
        }
      ).deliveries;
    }
    expect(delivery?.status).toBe("dead_lettered");
    expect(delivery?.lastError).toMatch(/OPENWOP_WEBHOOK_SECRET_KEY/);
    expect(to.received).toHaveLength(0);
  });
});

describe("delivery metrics", () => {
  it("counts attempts by outcome and shows what waits and what is dead", async () => {
    await start({ webhookMaxAttempts: 2 });
    const good = await receiver();
    const bad = await receiver(() => ({ status: 500 }));
    await subscribe({ url: good.url, events: ["run.completed"] });
    const failing = await subscribe({ url: bad.url, events: ["run.completed"] });
    const runId = await completedRun();
    await good.waitFor(1, ofRun(runId));
    await bad.waitFor(2, ofRun(runId));
    let text = "";
    for (let i = 0; i < 100 && !/openwop_webhook_dead_letters 1\b/.test(text); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = (await request((host as RunningHost).url, "/metrics")).text;
    }
    expect(text).toMatch(/openwop_webhook_attempts_total\{outcome="delivered"\} 1\b/);
    expect(text).toMatch(/openwop_webhook_attempts_total\{outcome="failed"\} 1\b/);
    expect(text).toMatch(/openwop_webhook_attempts_total\{outcome="dead_lettered"\} 1\b/);
    expect(text).toMatch(/openwop_webhook_dead_letters 1\b/);
    expect(text).toMatch(/openwop_webhook_deliveries_waiting 0\b/);
    expect(text).toMatch(/openwop_webhook_attempt_duration_seconds_count\{outcome="delivered"\} 1\b/);
    expect(failing.webhookId).toBeTruthy();
  });
});
