import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, RunProbe, signedWith, startWebhookReceiver, type WebhookReceiver } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeCliCommands } from "./testing/commands-suite.js";
import { parseJson, runOpenwop, startTestHost, type TestHost } from "./testing/openwop.js";

describeCliCommands("sqlite");

describe("openwop webhooks and deliveries against the sqlite host (durable deliveries)", () => {
  let host: TestHost;
  let receiver: WebhookReceiver;
  let configHome: string;

  beforeAll(async () => {
    host = await startTestHost("sqlite");
    receiver = await startWebhookReceiver();
    configHome = await mkdtemp(join(tmpdir(), "openwop-cli-config-"));
  });
  afterAll(async () => {
    await receiver?.close();
    await host?.close();
    await rm(configHome, { recursive: true, force: true });
  });

  const openwop = (args: readonly string[]) =>
    runOpenwop(args, { configHome, env: { OPENWOP_BASE_URL: host.url, OPENWOP_API_KEY: host.apiKey } });

  it("adds a subscription, delivers a signed event to a real receiver, lists, shows and replays the delivery, then removes it", async () => {
    const added = await openwop(["webhooks", "add", receiver.url, "--event", "run.completed", "--json"]);
    expect(added.code, added.stderr).toBe(0);
    const { webhookId, secret } = parseJson<{ webhookId: string; secret: string }>(added);
    expect(secret.length).toBeGreaterThan(0);

    const listed = await openwop(["webhooks", "list", "--json"]);
    expect(parseJson<{ webhooks: Array<{ webhookId: string; url: string }> }>(listed).webhooks).toEqual([
      expect.objectContaining({ webhookId, url: receiver.url }),
    ]);
    const table = await openwop(["webhooks", "list"]);
    expect(table.stdout).toMatch(/^WEBHOOK\s+STATUS\s+CIRCUIT\s+EVENTS\s+URL$/m);
    expect(table.stdout).toContain(webhookId);
    expect(table.stdout).not.toContain(secret);

    const runId = await new RunProbe(() => host.url, host.apiKey).create("conformance-noop");
    const [hook] = await receiver.waitFor(1);
    expect(hook && signedWith(hook, secret)).toBe(true);

    let deliveryId = "";
    await eventually(async () => {
      const deliveries = await openwop(["deliveries", "list", webhookId, "--run", runId, "--json"]);
      const page = parseJson<{ deliveries: Array<{ deliveryId: string; status: string; eventType: string }> }>(
        deliveries,
      );
      deliveryId = page.deliveries[0]?.deliveryId ?? "";
      return page.deliveries.length === 1 && page.deliveries[0]?.status === "delivered";
    }, "the delivery to be recorded as delivered");
    const humanList = await openwop(["deliveries", "list", webhookId]);
    expect(humanList.stdout).toMatch(/^DELIVERY\s+STATUS\s+EVENT\s+RUN\s+ATTEMPTS\s+UPDATED\s+LAST ERROR$/m);

    const shown = await openwop(["deliveries", "show", webhookId, deliveryId]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^status\s+delivered$/m);
    expect(shown.stdout).toMatch(/^ATTEMPT\s+STARTED\s+STATUS\s+LATENCY\s+ERROR$/m);

    const replayed = await openwop(["deliveries", "replay", webhookId, deliveryId, "--json"]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(parseJson(replayed)).toMatchObject({ deliveryId, status: "pending" });
    await receiver.waitFor(2);

    const deadLetters = await openwop(["dead-letters", "replay", webhookId, "--json"]);
    expect(deadLetters.code, deadLetters.stderr).toBe(0);
    expect(parseJson(deadLetters)).toEqual({ requeued: 0 });

    const paused = await openwop(["webhooks", "pause", webhookId]);
    expect(paused.stdout).toMatch(/paused$/m);
    const resumed = await openwop(["webhooks", "resume", webhookId, "--json"]);
    expect(parseJson(resumed)).toMatchObject({ webhookId, status: "active" });

    const removed = await openwop(["webhooks", "rm", webhookId]);
    expect(removed.code, removed.stderr).toBe(0);
    const gone = await openwop(["webhooks", "show", webhookId]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error 404: subscription_not_found: /m);
  });

  it("webhooks add without --event is a usage error", async () => {
    const bare = await openwop(["webhooks", "add", receiver.url]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/at least one --event/);
  });
});

describe("openwop doctor against a host whose webhook receiver keeps failing", () => {
  let host: TestHost;
  let receiver: WebhookReceiver;
  let configHome: string;

  beforeAll(async () => {
    // One failed attempt opens the circuit, for longer than the test lasts.
    host = await startTestHost("sqlite", {
      OPENWOP_WEBHOOK_CIRCUIT_FAILURES: "1",
      OPENWOP_WEBHOOK_CIRCUIT_OPEN_MS: "600000",
    });
    receiver = await startWebhookReceiver(() => ({ status: 500, body: "receiver down" }));
    configHome = await mkdtemp(join(tmpdir(), "openwop-cli-config-"));
  });
  afterAll(async () => {
    await receiver?.close();
    await host?.close();
    await rm(configHome, { recursive: true, force: true });
  });

  const openwop = (args: readonly string[]) =>
    runOpenwop(args, { configHome, env: { OPENWOP_BASE_URL: host.url, OPENWOP_API_KEY: host.apiKey } });

  it("warns of the open circuit, naming the subscription, and still exits 0 (a warning blocks nothing)", async () => {
    const before = parseJson<{ warnings: Array<{ code: string }> }>(await openwop(["doctor", "--json"]));
    expect(before.warnings.map((warning) => warning.code)).not.toContain("webhook_circuit_open");

    const added = await openwop(["webhooks", "add", receiver.url, "--event", "run.completed", "--json"]);
    expect(added.code, added.stderr).toBe(0);
    const { webhookId } = parseJson<{ webhookId: string }>(added);
    await new RunProbe(() => host.url, host.apiKey).create("conformance-noop");
    await receiver.waitFor(1);
    await eventually(async () => {
      const shown = parseJson<{ circuit: { open: boolean } }>(await openwop(["webhooks", "show", webhookId, "--json"]));
      return shown.circuit.open;
    }, "the subscription's circuit to open");

    const json = await openwop(["doctor", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const report = parseJson<{ ok: boolean; warnings: Array<{ code: string; message: string; fix: string }> }>(json);
    expect(report.ok).toBe(true);
    const warning = report.warnings.find((issue) => issue.code === "webhook_circuit_open");
    expect(warning?.message).toContain(webhookId);
    expect(warning?.fix.length).toBeGreaterThan(0);

    const human = await openwop(["doctor"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/warnings:\n(?:.*\n)*?\s+! webhook_circuit_open/);
  });
});
