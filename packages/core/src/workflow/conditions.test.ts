import type { JsonObject } from "@openwop/storage";
import type { EdgeCondition, PortValue, WorkflowDefinition } from "@openwop/types";
import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../nodes/builtin.js";
import { initialEngineState, type EngineState } from "../run/state.js";
import { WorkflowCatalog, WorkflowDefinitionError } from "./catalog.js";
import { compareValues } from "./compare.js";
import { ExpressionError } from "./expression.js";
import { WorkflowGraph } from "./graph.js";
import { InputResolutionError, resolveInputs } from "./inputs.js";

const node = (id: string, inputs: Record<string, PortValue> = {}) => ({
  id,
  typeId: "core.identity",
  name: id,
  position: { x: 0, y: 0 },
  config: {},
  inputs,
});

function definition(condition: EdgeCondition | undefined, extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return {
    id: "w",
    name: "w",
    version: "1",
    nodes: [node("a"), node("b")] as WorkflowDefinition["nodes"],
    edges: [{ id: "e", sourceNodeId: "a", targetNodeId: "b", ...(condition ? { condition } : {}) }],
    triggers: [{ id: "manual", type: "manual" }],
    variables: [],
    metadata: {},
    settings: {},
    ...extra,
  } as WorkflowDefinition;
}

function afterA(outputs: JsonObject, status: "completed" | "failed" = "completed"): EngineState {
  const s = initialEngineState(["a", "b"], { nodeExecutions: 100 });
  s.nodes["a"] = { status, outputs };
  return s;
}

/** Whether b runs once a completed with `outputs`, under `condition`. */
function fires(condition: EdgeCondition, outputs: JsonObject, variables: JsonObject = {}): boolean | "error" {
  const step = new WorkflowGraph(definition(condition)).next(afterA(outputs), { variables, inputs: {} });
  if (step.kind === "execute") return true;
  if (step.kind === "skip") return step.reason === "expression_error" ? "error" : false;
  throw new Error(`unexpected step ${step.kind}`);
}

describe("edge conditions (core.md §8.2)", () => {
  it("equals / notEquals compare JSON structurally, left naming an output of the source", () => {
    expect(fires({ type: "equals", left: "status", right: 200 }, { status: 200 })).toBe(true);
    expect(fires({ type: "equals", left: "status", right: 201 }, { status: 200 })).toBe(false);
    expect(fires({ type: "equals", left: "obj", right: { b: 2, a: 1 } }, { obj: { a: 1, b: 2 } })).toBe(true);
    // left that names no output is a literal
    expect(fires({ type: "equals", left: "literal", right: "literal" }, {})).toBe(true);
    // an absent operand is null
    expect(fires({ type: "equals", left: "missing-output", right: null }, {})).toBe(false);
    expect(fires({ type: "equals", right: null }, {})).toBe(true);
    expect(fires({ type: "notEquals", left: "status", right: 500 }, { status: 200 })).toBe(true);
    expect(fires({ type: "notEquals", left: "status", right: 200 }, { status: 200 })).toBe(false);
  });

  it("contains is substring of a string or membership in an array, else false", () => {
    expect(fires({ type: "contains", left: "text", right: "ell" }, { text: "hello" })).toBe(true);
    expect(fires({ type: "contains", left: "list", right: { id: 1 } }, { list: [{ id: 1 }] })).toBe(true);
    expect(fires({ type: "contains", left: "list", right: 3 }, { list: [1, 2] })).toBe(false);
    expect(fires({ type: "contains", left: "n", right: 1 }, { n: 1 })).toBe(false);
  });

  it("regex searches a string output with an RE2 pattern; a non-string never matches", () => {
    expect(fires({ type: "regex", left: "id", right: "^ord-[0-9]+$" }, { id: "ord-42" })).toBe(true);
    expect(fires({ type: "regex", left: "id", right: "[0-9]" }, { id: "abc" })).toBe(false);
    expect(fires({ type: "regex", left: "n", right: "1" }, { n: 1 })).toBe(false);
  });

  it("truthy / falsy: absent, null, false, 0 and empty string are falsy; [] and {} are truthy", () => {
    for (const value of [null, false, 0, ""]) {
      expect(fires({ type: "truthy", left: "v" }, { v: value })).toBe(false);
      expect(fires({ type: "falsy", left: "v" }, { v: value })).toBe(true);
    }
    for (const value of [[], {}, "x", 1, true]) expect(fires({ type: "truthy", left: "v" }, { v: value })).toBe(true);
    expect(compareValues("truthy", undefined, undefined)).toBe(false);
  });

  it("expression evaluates CEL over variables, inputs and completed nodes' outputs, and must yield a bool", () => {
    expect(
      fires({ type: "expression", expression: "nodes.a.outputs.score > variables.min" }, { score: 9 }, { min: 5 }),
    ).toBe(true);
    expect(fires({ type: "expression", expression: "nodes.a.outputs.score > 10" }, { score: 9 })).toBe(false);
    expect(fires({ type: "expression", expression: "nodes.a.outputs.score" }, { score: 9 })).toBe("error");
    expect(fires({ type: "expression", expression: "variables.nope == 1" }, {})).toBe("error");
  });

  it("a condition that fails to evaluate resolves its edge as failed, which an any_failed handler sees", () => {
    const def = definition({ type: "expression", expression: "variables.nope" });
    def.edges[0] = { ...def.edges[0], triggerRule: "any_failed" } as WorkflowDefinition["edges"][number];
    expect(new WorkflowGraph(def).next(afterA({}))).toMatchObject({ kind: "execute", node: { id: "b" } });
    const skipped = new WorkflowGraph(definition({ type: "expression", expression: "variables.nope" })).next(
      afterA({}),
    );
    expect(skipped).toMatchObject({ kind: "skip", reason: "expression_error" });
    expect(skipped.kind === "skip" && skipped.error).toBeInstanceOf(ExpressionError);
  });

  it("a failed source resolves its edges as failed whatever the condition", () => {
    const def = definition({ type: "truthy", left: "v" });
    def.edges[0] = { ...def.edges[0], triggerRule: "any_failed" } as WorkflowDefinition["edges"][number];
    expect(new WorkflowGraph(def).next(afterA({}, "failed"))).toMatchObject({ kind: "execute", node: { id: "b" } });
  });
});

describe("port values (core.md §8.4)", () => {
  const outputs: Record<string, JsonObject> = { a: { out: 3, nested: { x: "y" } } };
  const outputsOf = (id: string) => outputs[id];

  it("resolves static, variable, connection and expression ports", () => {
    const resolved = resolveInputs(
      {
        s: { type: "static", value: { k: [1] } },
        v: { type: "variable", variableName: "count" },
        c: { type: "connection", nodeId: "a", outputKey: "out" },
        whole: { type: "connection", nodeId: "a", outputKey: "output" },
        e: { type: "expression", expression: "nodes.a.outputs.out * variables.count + size(inputs.tag)" },
      },
      { count: 2 },
      outputsOf,
      { runInputs: { tag: "abc" } },
    );
    expect(resolved).toEqual({ s: { k: [1] }, v: 2, c: 3, whole: outputs["a"], e: 9 });
  });

  it("fails a missing required variable or connection, omits an optional one", () => {
    expect(() => resolveInputs({ v: { type: "variable", variableName: "x" } }, {}, outputsOf)).toThrow(
      InputResolutionError,
    );
    expect(() => resolveInputs({ c: { type: "connection", nodeId: "a", outputKey: "zz" } }, {}, outputsOf)).toThrow(
      InputResolutionError,
    );
    expect(resolveInputs({ v: { type: "variable", variableName: "x", optional: true } }, {}, outputsOf)).toEqual({});
  });

  it("fails an expression port that cannot be evaluated with an ExpressionError naming node and port", () => {
    try {
      resolveInputs({ e: { type: "expression", expression: "variables.nope" } }, {}, outputsOf, { nodeId: "n1" });
      throw new Error("expected a failure");
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      expect((error as ExpressionError).failure()).toMatchObject({
        code: "expression_error",
        details: { reason: "evaluation", where: "node n1 input e" },
      });
    }
  });

  it("tells the sensitivity tracker of every expression result", () => {
    const seen: unknown[] = [];
    resolveInputs({ e: { type: "expression", expression: "variables.k + '!'" } }, { k: "v" }, outputsOf, {
      sensitivity: { derivedFrom: (source, value) => seen.push([source, value]) },
    });
    expect(seen).toEqual([["variables.k + '!'", "v!"]]);
  });
});

describe("registration of expressions", () => {
  function problems(candidate: WorkflowDefinition): string[] {
    try {
      new WorkflowCatalog(createBuiltinRegistry()).register(candidate);
      return [];
    } catch (error) {
      if (error instanceof WorkflowDefinitionError) return error.problems;
      throw error;
    }
  }

  it("accepts valid expressions and every condition type", () => {
    for (const condition of [
      { type: "expression", expression: "nodes.a.outputs.ok == true" },
      { type: "regex", left: "id", right: "^x" },
      { type: "equals", left: "x", right: 1 },
      { type: "truthy", left: "x" },
    ] as EdgeCondition[])
      expect(problems(definition(condition)), JSON.stringify(condition)).toEqual([]);
  });

  it("refuses a port expression that does not parse, naming node and input", () => {
    const def = definition(undefined);
    def.nodes[1] = node("b", { x: { type: "expression", expression: "1 +" } }) as WorkflowDefinition["nodes"][number];
    expect(problems(def)).toEqual([expect.stringMatching(/^node b input x expression: .*Unexpected token/)]);
  });

  it("refuses an expression reading an unknown node, a dynamic node, or process globals", () => {
    const def = definition(undefined);
    def.nodes[1] = node("b", {
      x: { type: "expression", expression: "nodes.ghost.outputs.v" },
      y: { type: "expression", expression: "process.env" },
    }) as WorkflowDefinition["nodes"][number];
    expect(problems(def)).toEqual([
      "node b input x expression: reads unknown node ghost",
      expect.stringMatching(/^node b input y expression: .*process/),
    ]);
  });

  it("refuses bad edge conditions, naming the edge", () => {
    expect(problems(definition({ type: "expression", expression: "(" }))).toEqual([
      expect.stringMatching(/^edge e condition: /),
    ]);
    expect(problems(definition({ type: "expression" }))).toEqual([
      "edge e condition: type expression needs a non-empty expression",
    ]);
    expect(problems(definition({ type: "regex", left: "x", right: "(a" }))).toEqual([
      expect.stringMatching(/^edge e condition: invalid regular expression/),
    ]);
    expect(problems(definition({ type: "regex", left: "x", right: "a".repeat(2000) }))).toEqual([
      expect.stringMatching(/^edge e condition: regular expression longer than 1024/),
    ]);
    expect(problems(definition({ type: "regex", left: "x", right: 5 }))).toEqual([
      "edge e condition: type regex needs a string pattern in right",
    ]);
  });
});
