import { describe, expect, it } from "vitest";
import type { Capabilities } from "@openwop/types";
import type { Assertions } from "./assertions.js";
import { always } from "./gates.js";
import { runScenario } from "./run-scenario.js";
import type { Scenario, ScenarioContext, SuiteOptions } from "./scenario.js";

const discovery: Capabilities = {
  protocolVersion: "1.0",
  supportedEnvelopes: [],
  schemaVersions: {},
  limits: { clarificationRounds: 3, schemaRounds: 2, envelopesPerTurn: 5 },
};
const options: SuiteOptions = {
  baseUrl: "http://127.0.0.1:9",
  apiKey: "k",
  timeoutScale: 1,
  requireBehavior: false,
  optOutProfiles: [],
  env: {},
};
const scenario = (overrides: Partial<Scenario>): Scenario => ({
  id: "example",
  title: "example",
  profiles: ["openwop-core"],
  spec: "spec/v1/core.md §3.2",
  gate: always,
  run: async () => undefined,
  ...overrides,
});

describe("runScenario", () => {
  it("passes a body that asserted something and counts its assertions", async () => {
    const run = await runScenario(scenario({ run: async ({ assert }) => assert.ok(true, "x") }), discovery, options);
    expect(run).toMatchObject({ outcome: "pass", assertions: 1 });
  });

  it("records a body that asserted nothing as blocked, never as pass", async () => {
    const run = await runScenario(scenario({}), discovery, options);
    expect(run.outcome).toBe("blocked");
    expect(run.message).toMatch(/without asserting/);
  });

  it("does not count setup checks as evidence: a body that only set up is blocked", async () => {
    const setupOnly = await runScenario(
      scenario({ run: async ({ setupAssert }) => setupAssert.equal(201, 201, "POST /v1/runs status") }),
      discovery,
      options,
    );
    expect(setupOnly).toMatchObject({ outcome: "blocked", assertions: 0 });
    expect(setupOnly.message).toMatch(/without asserting anything of its own \(only 1 setup checks\)/);
    const failedSetup = await runScenario(
      scenario({ run: async ({ setupAssert }) => setupAssert.equal(500, 201, "POST /v1/runs status") }),
      discovery,
      options,
    );
    expect(failedSetup).toMatchObject({ outcome: "fail", message: "POST /v1/runs status: expected 201, got 500" });
    const both = await runScenario(
      scenario({
        run: async (context) => {
          const setup: Assertions = context.setupAssert;
          const own: Assertions = context.assert;
          setup.ok(true, "setup");
          own.ok(true, "own");
        },
      }),
      discovery,
      options,
    );
    expect(both).toMatchObject({ outcome: "pass", assertions: 1 });
  });

  it("records an explicit blocked signal as blocked with its reason, whatever was asserted", async () => {
    const run = await runScenario(
      scenario({
        run: async (context) => {
          const own: Assertions = context.assert;
          own.ok(true, "advertised");
          context.blocked("a 404 proves nothing");
        },
      }),
      discovery,
      options,
    );
    expect(run).toMatchObject({ outcome: "blocked", assertions: 1, message: "a 404 proves nothing" });
  });

  it("fails on a broken assertion with its message, and on any other exception", async () => {
    const failed = await runScenario(
      scenario({ run: async ({ assert }) => assert.equal(1, 2, "one") }),
      discovery,
      options,
    );
    expect(failed).toMatchObject({ outcome: "fail", message: "one: expected 2, got 1" });
    const crashed = await runScenario(
      scenario({ run: async () => Promise.reject(new TypeError("boom")) }),
      discovery,
      options,
    );
    expect(crashed).toMatchObject({ outcome: "fail", message: "unexpected TypeError: boom" });
  });

  it("honours the gate and in-body skip/inapplicable signals", async () => {
    const gated = await runScenario(
      scenario({
        gate: () => ({ run: false, outcome: "skip", reason: "fixture x not advertised", advertised: false }),
      }),
      discovery,
      options,
    );
    expect(gated).toMatchObject({ outcome: "skip", advertised: false, message: "fixture x not advertised" });
    const skipped = await runScenario(
      scenario({ run: async (context) => context.skip("no seam", true) }),
      discovery,
      options,
    );
    expect(skipped).toMatchObject({ outcome: "skip", advertised: true });
    const inapplicable = await runScenario(
      scenario({ run: async (context) => context.inapplicable("not here") }),
      discovery,
      options,
    );
    expect(inapplicable).toMatchObject({ outcome: "inapplicable", message: "not here" });
  });

  it("skips a process-level scenario without a host manifest, as advertised-but-untested", async () => {
    const run = await runScenario(
      scenario({ requires: "host-manifest", run: async ({ assert }) => assert.ok(true, "x") }),
      discovery,
      options,
    );
    expect(run).toMatchObject({ outcome: "skip", advertised: true });
  });

  it("fails a body that outlives its (scaled) time bound and still runs its cleanup", async () => {
    const cleaned: string[] = [];
    const run = await runScenario(
      scenario({
        timeoutMs: 50,
        run: async (context: ScenarioContext) => {
          context.defer(() => void cleaned.push("first"));
          context.defer(() => void cleaned.push("second"));
          context.assert.ok(true, "x");
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        },
      }),
      discovery,
      { ...options, timeoutScale: 2 },
    );
    expect(run).toMatchObject({ outcome: "fail", message: "timed out after 100 ms" });
    expect(cleaned).toEqual(["second", "first"]);
  });
});
