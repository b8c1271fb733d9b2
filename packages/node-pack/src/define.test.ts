import { createBuiltinRegistry, type NodeContext } from "@openwop/core";
import { describe, expect, it } from "vitest";
import { completed, defineNode, defineNodePack, failed, loadNodePacks, NodePackLoadError } from "./index.js";

function contextFor(config: NodeContext["config"], inputs: NodeContext["inputs"] = {}): NodeContext {
  return {
    runId: "run-1",
    nodeId: "n1",
    config,
    inputs,
    variables: { counter: 1, nested: { list: [1] } },
    configurable: {},
    wakeAt: null,
    resumeValue: null,
    attempt: 0,
    idempotencyKey: "run-1:n1:0",
    signal: new AbortController().signal,
    now: Date.now,
  };
}

const greet = defineNode<{ greeting: string; times?: number }, { name?: string }>({
  typeId: "acme.greet",
  configSchema: {
    type: "object",
    required: ["greeting"],
    properties: { greeting: { type: "string", minLength: 1 }, times: { type: "integer", minimum: 1 } },
    additionalProperties: false,
  },
  inputsSchema: { type: "object", properties: { name: { type: "string" } } },
  execute: ({ config, inputs, idempotencyKey, attempt }) =>
    completed({
      text: `${config.greeting.repeat(config.times ?? 1)} ${inputs.name ?? "you"}`,
      idempotencyKey,
      attempt,
    }),
});
const pack = defineNodePack({ name: "acme-greetings", version: "1.0.0", nodes: [greet] });

describe("defineNodePack", () => {
  it("executes a node whose config and inputs match their schemas, with core's context", async () => {
    const node = pack.nodes[0];
    expect(await node?.execute(contextFor({ greeting: "hi", times: 2 }, { name: "ada" }))).toEqual({
      kind: "completed",
      outputs: { text: "hihi ada", idempotencyKey: "run-1:n1:0", attempt: 0 },
    });
  });

  it("fails an invalid config with invalid_node_config before execute, naming the problem", async () => {
    let executed = false;
    const guarded = defineNodePack({
      name: "guarded",
      version: "0.1.0",
      nodes: [
        defineNode({
          typeId: "guarded.run",
          configSchema: { type: "object", required: ["url"], properties: { url: { type: "string" } } },
          execute: () => {
            executed = true;
            return completed();
          },
        }),
      ],
    });
    const outcome = await guarded.nodes[0]?.execute(contextFor({ url: 42 }));
    expect(outcome).toMatchObject({
      kind: "failed",
      error: {
        code: "invalid_node_config",
        message: "node n1 (guarded.run) has an invalid config",
        details: { typeId: "guarded.run", issues: [{ path: "/url", message: "must be string" }] },
      },
    });
    expect(executed).toBe(false);
    expect(await pack.nodes[0]?.execute(contextFor({ greeting: "hi" }, { name: 7 }))).toMatchObject({
      kind: "failed",
      error: { code: "invalid_node_inputs" },
    });
  });

  it("hands the node frozen copies, so it changes nothing of the run it is handed", async () => {
    const context = contextFor({ greeting: "x" });
    let seen: Record<string, unknown> = {};
    const probe = defineNodePack({
      name: "probe",
      version: "1.0.0",
      nodes: [
        defineNode({
          typeId: "probe.mutate",
          execute: (ctx) => {
            seen = { ...ctx };
            expect(() => {
              (ctx.variables as Record<string, unknown>).counter = 99;
            }).toThrow(TypeError);
            expect(() => {
              ((ctx.variables.nested as Record<string, unknown>).list as unknown[]).push(2);
            }).toThrow(TypeError);
            return completed();
          },
        }),
      ],
    });
    await probe.nodes[0]?.execute(context);
    expect(context.variables).toEqual({ counter: 1, nested: { list: [1] } });
    expect(Object.keys(seen).sort()).toEqual(
      [
        "attempt",
        "config",
        "configurable",
        "idempotencyKey",
        "inputs",
        "nodeId",
        "now",
        "resumeValue",
        "runId",
        "signal",
        "variables",
        "wakeAt",
      ].sort(),
    );
  });

  it("refuses bad packs at definition, as a host would at start", () => {
    const node = (typeId: string) => defineNode({ typeId, execute: () => completed() });
    expect(() => defineNodePack({ name: "a", version: "1.0.0", nodes: [node("core.fetch")] })).toThrow(
      NodePackLoadError,
    );
    expect(() => defineNodePack({ name: "a", version: "1.0.0", nodes: [node("fetch")] })).toThrow(/dotted/);
    expect(() => defineNodePack({ name: "a", version: "one", nodes: [node("a.b")] })).toThrow(/semantic version/);
    expect(() =>
      defineNodePack({
        name: "a",
        version: "1.0.0",
        nodes: [defineNode({ typeId: "a.b", configSchema: { type: "no-such-type" }, execute: () => completed() })],
      }),
    ).toThrow(/configSchema is not a valid JSON Schema/);
  });

  it("loads into a host registry beside the built-in types", () => {
    const registry = createBuiltinRegistry();
    expect(loadNodePacks(registry, [pack])).toEqual([
      { name: "acme-greetings", version: "1.0.0", nodeTypes: [{ typeId: "acme.greet" }] },
    ]);
    expect(registry.has("acme.greet")).toBe(true);
    expect(failed("x", "y")).toEqual({ kind: "failed", error: { code: "x", message: "y" } });
  });
});
