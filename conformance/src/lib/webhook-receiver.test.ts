import { fileURLToPath } from "node:url";
import { createClient, verifyWebhookSignature } from "@openwop/client";
import type { Capabilities } from "@openwop/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchHost, type LaunchedHost } from "../host-manifest/launch.js";
import { loadHostManifest } from "../host-manifest/manifest.js";
import type { Assertions } from "../runner/assertions.js";
import { always } from "../runner/gates.js";
import { runScenario } from "../runner/run-scenario.js";
import type { Scenario, ScenarioContext, SuiteOptions } from "../runner/scenario.js";
import { answerInSequence, failFirst, runIdOf, startWebhookReceiver } from "./webhook-receiver.js";
import { registerWebhook, startTaggedRun, uniqueTag, v1Signature } from "./webhooks.js";

const discovery: Capabilities = {
  protocolVersion: "1.0",
  supportedEnvelopes: [],
  schemaVersions: {},
  limits: { clarificationRounds: 3, schemaRounds: 2, envelopesPerTurn: 5 },
};
const offline: SuiteOptions = {
  baseUrl: "http://127.0.0.1:9",
  apiKey: "k",
  timeoutScale: 1,
  requireBehavior: false,
  optOutProfiles: [],
  env: {},
};

/** Runs `body` as a scenario, so the receiver gets a real context (cleanup, time bounds, assertions). */
function inScenario(
  body: (context: ScenarioContext) => Promise<void>,
  options: SuiteOptions = offline,
  against: Capabilities = discovery,
) {
  const scenario: Scenario = {
    id: "receiver-test",
    title: "receiver test",
    profiles: [],
    spec: "spec/v1/webhooks.md §5.1",
    gate: always,
    timeoutMs: 20_000,
    run: body,
  };
  return runScenario(scenario, against, options);
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

describe("startWebhookReceiver", () => {
  it("records each request's method, headers, raw bytes and arrival, answers from its plan, and closes on cleanup", async () => {
    let url = "";
    const run = await inScenario(async (context) => {
      const assert: Assertions = context.assert;
      const receiver = await startWebhookReceiver(context, failFirst(2));
      url = receiver.url;
      const raw = '{"runId":"r1","event":{"sequence":3, "type":"run.completed"}}';
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1)
        statuses.push((await post(receiver.url, raw, { "x-openwop-delivery-id": "d1", "X-Extra": "a" })).status);
      // Another delivery gets its own sequence of answers.
      statuses.push((await post(receiver.url, raw, { "x-openwop-delivery-id": "d2" })).status);
      assert.deepEqual(statuses, [503, 503, 200, 503], "answers per delivery");
      const [first] = await receiver.waitFor((request) => runIdOf(request) === "r1", { timeoutMs: 1_000, what: "r1" });
      assert.equal(first?.method, "POST", "method");
      assert.equal(first?.text, raw, "the body text exactly as sent");
      assert.ok(first?.raw.equals(Buffer.from(raw)), "the body bytes exactly as sent");
      assert.equal(first?.headers["x-extra"], "a", "header names are lower case");
      assert.ok(typeof first?.receivedAt === "number", "arrival time");
      assert.deepEqual(
        receiver.requests.map((request) => request.answeredWith),
        [503, 503, 200, 503],
        "each request records its answer",
      );
      receiver.answer(answerInSequence([418], 204));
      assert.equal((await post(receiver.url, "{}")).status, 418, "a new plan answers later requests");
    });
    expect(run).toMatchObject({ outcome: "pass" });
    await expect(fetch(url, { method: "POST", body: "{}" })).rejects.toThrow();
  });

  it("fails the scenario with what arrived when the awaited request does not come", async () => {
    const run = await inScenario(async (context) => {
      const receiver = await startWebhookReceiver(context);
      await post(receiver.url, '{"runId":"other"}', { "x-openwop-event-type": "run.started" });
      await receiver.waitFor((request) => runIdOf(request) === "mine", { timeoutMs: 200, what: "my delivery" });
    });
    expect(run.outcome).toBe("fail");
    expect(run.message).toMatch(/my delivery: not within 200 ms; the receiver got 1 request\(s\).*run\.started.*other/);
  });

  it("computes the v1 signature of webhooks.md §6 over timestamp, a full stop and the raw bytes", () => {
    const raw = Buffer.from('{"a":1}');
    const secret = "s".repeat(32);
    expect(v1Signature(secret, "1790000000", raw)).toMatch(/^[0-9a-f]{64}$/);
    expect(
      verifyWebhookSignature(secret, "1790000000", raw, `sha256=${v1Signature(secret, "1790000000", raw)}`, {
        nowSeconds: 1_790_000_000,
      }),
    ).toBe(true);
  });
});

const manifestPath = fileURLToPath(new URL("../../../examples/hosts/in-memory/openwop-host.json", import.meta.url));

/** The client's verifier against a delivery a real host made (the in-memory host, its private-URL override on). */
describe("verifyWebhookSignature and a real delivery", () => {
  let host: LaunchedHost | undefined;
  beforeAll(async () => {
    host = await launchHost(await loadHostManifest(manifestPath));
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
  });

  it("accepts the in-memory host's delivery as signed, and refuses it once a byte of the body changed", async () => {
    if (host === undefined) throw new Error("host not started");
    const options: SuiteOptions = {
      ...offline,
      baseUrl: host.baseUrl,
      apiKey: host.keys.apiKey,
      webhookPrivateUrls: true,
    };
    const hostDiscovery = await createClient({ baseUrl: host.baseUrl }).discovery();
    const seen: { verified?: boolean; tampered?: boolean; wrongSecret?: boolean } = {};
    const run = await inScenario(
      async (context) => {
        const receiver = await startWebhookReceiver(context);
        const tag = uniqueTag("client-verify");
        const { created } = await registerWebhook(context, {
          url: receiver.url,
          events: ["run.completed"],
          tags: [tag],
        });
        const runId = await startTaggedRun(context, tag);
        const [request] = await receiver.waitFor((other) => runIdOf(other) === runId, {
          timeoutMs: 15_000,
          what: "the delivery",
        });
        const timestamp = request?.headers["x-openwop-timestamp"] ?? "";
        const signature = request?.headers["x-openwop-signature"] ?? "";
        const raw = request?.raw ?? Buffer.alloc(0);
        seen.verified = verifyWebhookSignature(created.secret, timestamp, raw, signature);
        seen.tampered = verifyWebhookSignature(
          created.secret,
          timestamp,
          Buffer.concat([raw, Buffer.from(" ")]),
          signature,
        );
        seen.wrongSecret = verifyWebhookSignature(`${created.secret}x`, timestamp, raw, signature);
        const assert: Assertions = context.assert;
        assert.ok(true, "delivery received");
      },
      options,
      hostDiscovery,
    );
    expect(run, run.message).toMatchObject({ outcome: "pass" });
    expect(seen).toEqual({ verified: true, tampered: false, wrongSecret: false });
  }, 60_000);
});
