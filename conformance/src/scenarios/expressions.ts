import type { RunEvent } from "@openwop/types";
import { readLog, startRun, waitForTerminal } from "../lib/runs.js";
import type { Assertions } from "../runner/assertions.js";
import { allOf, discoveryValue, needsFixtures, whenAdvertised } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

const PROFILES = ["openwop-expressions"] as const;
const expressionsAdvertised = whenAdvertised(
  "expressions",
  (discovery) => discoveryValue(discovery, "expressions.language") === "cel",
);

/** A token only the suite knows: if any part of it is in the log, masking failed. */
const TOKEN = "ctok-4f1e8a90-7b2d-4c6e-9e03-sensitive";

const payloadOf = (event: RunEvent | undefined): Record<string, unknown> =>
  (event?.payload ?? {}) as Record<string, unknown>;
const nodeEvent = (log: readonly RunEvent[], type: string, nodeId: string) =>
  log.find((event) => event.type === type && (event.nodeId ?? payloadOf(event)["nodeId"]) === nodeId);
const skippedNodes = (log: readonly RunEvent[]) =>
  log
    .filter((event) => event.type === "node.skipped")
    .map((event) => event.nodeId ?? payloadOf(event)["nodeId"])
    .sort();

export const expressionScenarios: readonly Scenario[] = [
  {
    id: "expressions-port-values-and-conditions",
    title:
      "conformance-expressions computes its port values from inputs and earlier outputs, and its edge conditions route the run to exactly one branch",
    profiles: PROFILES,
    spec: "spec/v1/core.md §8.9",
    alsoCites: ["spec/v1/core.md §8.2", "spec/v1/core.md §8.4", "spec/v1/core.md §14.3"],
    gate: allOf(expressionsAdvertised, needsFixtures("conformance-expressions")),
    async run(context) {
      const assert: Assertions = context.assert;
      const big = await startRun(context, "conformance-expressions", { count: 7, name: "ada", token: TOKEN });
      assert.equal((await waitForTerminal(context, big)).status, "completed", "count 7: terminal status");
      const log = await readLog(context, big);
      const compute = payloadOf(nodeEvent(log, "node.completed", "compute"))["outputs"] as
        | Record<string, unknown>
        | undefined;
      assert.isObject(compute, "count 7: node.completed for compute has outputs");
      assert.equal(compute["total"], 15, "§8.4: input total = inputs.count * 2 + 1 with count 7");
      assert.equal(compute["greeting"], "hello ada", '§8.4: input greeting = "hello " + variables.name');
      assert.deepEqual(
        payloadOf(nodeEvent(log, "node.completed", "big"))["outputs"],
        { total: 15 },
        "§8.9: big reads nodes.compute.outputs.total",
      );
      assert.deepEqual(skippedNodes(log), ["small"], "§8.2: with a total of 15 only small is skipped");

      const small = await startRun(context, "conformance-expressions", { count: 2, token: TOKEN });
      assert.equal((await waitForTerminal(context, small)).status, "completed", "count 2: terminal status");
      const smallLog = await readLog(context, small);
      assert.equal(
        (payloadOf(nodeEvent(smallLog, "node.completed", "compute"))["outputs"] as Record<string, unknown> | undefined)
          ?.greeting,
        "hello world",
        "§8.4: variables.name holds its default when the run gave none",
      );
      assert.deepEqual(skippedNodes(smallLog), ["big"], "§8.2: with a total of 5 only big is skipped");
    },
  },
  {
    id: "expressions-sensitive-derived-masked",
    title:
      "A value conformance-expressions derives from its sensitive variable token is masked in the log, and the token appears nowhere in it",
    profiles: PROFILES,
    spec: "spec/v1/core.md §8.9",
    alsoCites: ["spec/v1/observability.md §6"],
    gate: allOf(expressionsAdvertised, needsFixtures("conformance-expressions")),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-expressions", { count: 1, token: TOKEN });
      assert.equal((await waitForTerminal(context, runId)).status, "completed", "terminal status");
      const log = await readLog(context, runId);
      const outputs = payloadOf(nodeEvent(log, "node.completed", "compute"))["outputs"] as
        | Record<string, unknown>
        | undefined;
      assert.isObject(outputs, "node.completed for compute has outputs");
      assert.ok(
        outputs["authorization"] !== undefined && outputs["authorization"] !== `Bearer ${TOKEN}`,
        `§8.9.5: authorization, derived from the sensitive token, is masked (got ${JSON.stringify(outputs["authorization"])})`,
      );
      assert.equal(outputs["total"], 3, "an output derived from no sensitive value is left as it is");
      const text = JSON.stringify(log);
      assert.ok(!text.includes(TOKEN.slice(5, 21)), "§8.9.5: no part of the sensitive token is in the log");
    },
  },
  {
    id: "expressions-error-not-retried",
    title:
      "A port expression that fails at run time fails its node and the run with expression_error, once, though the node allows retries",
    profiles: PROFILES,
    spec: "spec/v1/core.md §8.9",
    alsoCites: ["spec/v1/core.md §8.4", "spec/v1/core.md §8.5"],
    gate: allOf(expressionsAdvertised, needsFixtures("conformance-expression-error")),
    async run(context) {
      const assert: Assertions = context.assert;
      const failing = await startRun(context, "conformance-expression-error", { options: {} });
      const failed = await waitForTerminal(context, failing);
      assert.equal(failed.status, "failed", "options {}: terminal status");
      const error = failed.error as { code?: unknown; details?: { reason?: unknown } } | null | undefined;
      assert.equal(error?.code, "expression_error", "§8.9.4: the run's error code");
      assert.equal(error?.details?.reason, "evaluation", "§8.9.4: details.reason of a missing map key");
      const log = await readLog(context, failing);
      assert.equal(
        log.filter((event) => event.type === "node.started").length,
        1,
        "§8.4: lookup started once: an expression failure is not retried",
      );
      assert.equal(log.filter((event) => event.type === "node.retried").length, 0, "§8.5: no node.retried");
      assert.equal(
        (payloadOf(nodeEvent(log, "node.failed", "lookup"))["error"] as { code?: unknown } | undefined)?.code,
        "expression_error",
        "node.failed carries expression_error",
      );

      const passing = await startRun(context, "conformance-expression-error", { options: { depth: 3 } });
      assert.equal((await waitForTerminal(context, passing)).status, "completed", "options {depth: 3}: status");
      assert.deepEqual(
        payloadOf(nodeEvent(await readLog(context, passing), "node.completed", "lookup"))["outputs"],
        { value: 3 },
        "lookup outputs the key the expression read",
      );
    },
  },
];
