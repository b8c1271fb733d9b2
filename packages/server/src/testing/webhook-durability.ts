import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, request, type HttpResult, type RequestOptions } from "./http.js";
import { RunProbe } from "./run-probe.js";
import type { HostProcess } from "./spawn-host.js";
import { ACCEPT_ALL, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "./webhook-receiver.js";

/** The environment a durability test gives every host process, besides its storage. */
export function webhookDurabilityEnv(apiKey: string): Record<string, string> {
  return {
    OPENWOP_API_KEY: apiKey,
    OPENWOP_WEBHOOK_ALLOW_PRIVATE: "1",
    // Short leases, so a killed process's runs and deliveries are taken over within the test's
    // patience (the run claim's default of 30 s would outlast it).
    OPENWOP_CLAIM_TTL_MS: "2000",
    OPENWOP_WEBHOOK_LEASE_MS: "2000",
    OPENWOP_WEBHOOK_RETRY_BASE_MS: "50",
    OPENWOP_WEBHOOK_MAX_RETRY_DELAY_MS: "500",
    OPENWOP_WEBHOOK_SECRET_KEY: SEAL_KEY,
  };
}

const SEAL_KEY = randomBytes(32).toString("base64");

export interface WebhookDurabilityOptions {
  apiKey: string;
  /** Starts one more host process on the same storage (the same file, or the same database). */
  spawn: () => Promise<HostProcess>;
  /**
   * `restart`: the killed process is replaced by a new one (SQLite, one process at a time).
   * `takeover`: a second process is already running when the first is killed (Postgres).
   */
  mode: "restart" | "takeover";
}

/**
 * Webhook deliveries survive `kill -9` (webhooks.md §13.1–§13.2): an attempt in flight when its
 * process dies is made again by another process after its lease; deliveries recorded with
 * their events but not yet attempted are all made; nothing acknowledged goes undelivered.
 */
export function describeWebhookDurability(name: string, options: WebhookDurabilityOptions): void {
  describe(`${name}: webhook deliveries survive kill -9`, () => {
    const processes: HostProcess[] = [];
    const receivers: WebhookReceiver[] = [];
    let live: HostProcess | undefined;

    const spawn = async (): Promise<HostProcess> => {
      const started = await options.spawn();
      processes.push(started);
      live = started;
      return started;
    };
    const call = (path: string, init: RequestOptions = {}): Promise<HttpResult> =>
      request((live as HostProcess).url, path, { ...init, headers: { ...bearer(options.apiKey), ...init.headers } });
    const probe = new RunProbe(() => (live as HostProcess).url, options.apiKey);
    const receiver = async (plan?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> => {
      const started = await startWebhookReceiver(plan);
      receivers.push(started);
      return started;
    };
    const subscribe = async (url: string): Promise<string> => {
      const created = await call("/v1/webhooks", { method: "POST", body: { url, events: ["run.completed"] } });
      expect(created.status, created.text).toBe(201);
      return (created.json as { webhookId: string }).webhookId;
    };
    /** Kills `victim` the hard way, after making sure another process will carry on. */
    const crash = async (victim: HostProcess): Promise<void> => {
      if (options.mode === "takeover") {
        const survivor = await options.spawn();
        processes.push(survivor);
        await victim.kill("SIGKILL");
        live = survivor;
      } else {
        await victim.kill("SIGKILL");
        await spawn();
      }
    };
    const runIdOf = (hook: ReceivedWebhook): string => String((hook.json as { runId?: unknown }).runId);
    const deliveriesOf = async (webhookId: string) => {
      const listed = await call(`/v1/webhooks/${webhookId}/deliveries?limit=100`);
      expect(listed.status, listed.text).toBe(200);
      return (listed.json as { deliveries: Array<{ deliveryId: string; runId: string; status: string }> }).deliveries;
    };

    afterEach(async () => {
      for (const process of processes.splice(0)) await process.kill("SIGKILL");
      for (const started of receivers.splice(0)) await started.close();
    });

    it("makes an attempt again, with the same delivery id, when its process died while the receiver held it", async () => {
      const first = await spawn();
      // The first request is held until the process that sent it is long gone.
      const hook = await receiver((n) => (n === 0 ? { status: 200, delayMs: 60_000 } : { status: 200 }));
      const webhookId = await subscribe(hook.url);
      const runId = await probe.create("conformance-noop");
      const [inFlight] = await hook.waitFor(1);
      await crash(first);
      const [, again] = await hook.waitFor(2, undefined, 20_000);
      expect(runIdOf(again as ReceivedWebhook)).toBe(runId);
      expect(again?.headers["x-openwop-delivery-id"]).toBe(inFlight?.headers["x-openwop-delivery-id"]);
      expect(again?.rawBody).toBe(inFlight?.rawBody);
      let status = "";
      for (let i = 0; i < 200 && status !== "delivered"; i += 1) {
        status = (await deliveriesOf(webhookId)).find((d) => d.runId === runId)?.status ?? "";
        if (status !== "delivered") await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(status).toBe("delivered");
    });

    it("delivers every event acknowledged before the crash, whether its delivery was waiting or in flight", async () => {
      const first = await spawn();
      const hook = await receiver(() => ({ status: 200, delayMs: 40 }));
      const webhookId = await subscribe(hook.url);
      // Half the runs finish while the subscription is paused: their deliveries wait in storage.
      expect((await call(`/v1/webhooks/${webhookId}/pause`, { method: "POST" })).status).toBe(200);
      const held = await Promise.all(Array.from({ length: 8 }, () => probe.create("conformance-noop")));
      for (const runId of held) await probe.waitFor(runId, ["completed"], 15_000);
      expect((await call(`/v1/webhooks/${webhookId}/resume`, { method: "POST" })).status).toBe(200);
      // The other half is created while deliveries flow, and the process is killed among them.
      const flowing = await Promise.all(Array.from({ length: 8 }, () => probe.create("conformance-noop")));
      await hook.waitFor(2);
      await crash(first);
      for (const runId of flowing) await probe.waitFor(runId, ["completed"], 20_000);
      const expected = new Set([...held, ...flowing]);
      // Wait for each run, not for a count: the repeat of an attempt cut short by the crash
      // counts too, so a count could be reached with some runs still on their way.
      const deadline = Date.now() + 30_000;
      for (const runId of expected) {
        const patience = Math.max(1, deadline - Date.now());
        await hook.waitFor(1, (received) => runIdOf(received) === runId, patience).catch(() => undefined);
      }
      const arrived = new Set(hook.received.map(runIdOf));
      expect([...expected].filter((runId) => !arrived.has(runId))).toEqual([]);
      // Repeats carry the delivery id they repeat, so a receiver can drop them.
      const idsByRun = new Map<string, Set<string>>();
      for (const received of hook.received) {
        const ids = idsByRun.get(runIdOf(received)) ?? new Set<string>();
        ids.add(String(received.headers["x-openwop-delivery-id"]));
        idsByRun.set(runIdOf(received), ids);
      }
      for (const runId of expected) expect(idsByRun.get(runId)?.size, runId).toBe(1);
      hook.answer(ACCEPT_ALL);
      let settled: Array<{ runId: string; status: string }> = [];
      for (let i = 0; i < 400; i += 1) {
        settled = (await deliveriesOf(webhookId)).filter((d) => expected.has(d.runId));
        if (settled.length === expected.size && settled.every((d) => d.status === "delivered")) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(settled.map((d) => d.status)).toEqual(Array(expected.size).fill("delivered"));
    });
  });
}
