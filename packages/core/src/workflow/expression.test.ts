import type { JsonObject } from "@openwop/storage";
import { describe, expect, it } from "vitest";
import {
  compileExpression,
  EXPRESSION_LIMITS,
  ExpressionError,
  evaluateExpression,
  matchesPattern,
  type ExpressionScope,
} from "./expression.js";

const outputs: Record<string, JsonObject> = { fetch: { status: 200, body: { items: [1, 2, 3] }, name: "x" } };
const scope = (variables: JsonObject = {}, inputs: JsonObject = {}): ExpressionScope => ({
  variables,
  inputs,
  outputsOf: (id) => outputs[id],
});
const evaluate = (source: string, variables: JsonObject = {}) => evaluateExpression(source, scope(variables));

function failure(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error("expected an ExpressionError");
}

describe("expressions (CEL)", () => {
  it("reads variables, inputs and the outputs of completed nodes, and returns JSON", () => {
    expect(evaluate("variables.count + 1", { count: 41 })).toBe(42);
    expect(evaluate("variables.ratio * 2.0", { ratio: 0.25 })).toBe(0.5);
    expect(evaluateExpression("inputs.who + '!'", scope({}, { who: "ada" }))).toBe("ada!");
    expect(evaluate("nodes.fetch.outputs.status == 200 && size(nodes.fetch.outputs.body.items) == 3")).toBe(true);
    expect(evaluate("nodes.fetch.outputs.body.items.map(i, i * 10)")).toEqual([10, 20, 30]);
    expect(evaluate('{"a": variables.n, "b": [true, null]}', { n: 1 })).toEqual({ a: 1, b: [true, null] });
    expect(evaluate("has(variables.missing)")).toBe(false);
    expect(evaluate("has(nodes.fetch) && !has(nodes.other)")).toBe(true);
    expect(evaluate('timestamp("2024-01-01T00:00:00Z")')).toBe("2024-01-01T00:00:00.000Z");
  });

  it("records which nodes and variables an expression reads", () => {
    const compiled = compileExpression('nodes.a.outputs.x + variables.token + variables["other"]');
    expect([...compiled.nodeRefs]).toEqual(["a"]);
    expect([...compiled.variableRefs].sort()).toEqual(["other", "token"]);
    expect(compiled.dynamicVariables).toBe(false);
    expect(compileExpression("size(variables) > 0").dynamicVariables).toBe(true);
    expect(compileExpression("variables[inputs.k]").dynamicVariables).toBe(true);
    expect(failure(() => compileExpression("nodes[inputs.k].outputs")).reason).toBe("type");
    expect(failure(() => compileExpression("size(nodes)")).reason).toBe("type");
  });

  it("refuses syntax errors and type errors at compile time", () => {
    expect(failure(() => compileExpression("1 +")).reason).toBe("syntax");
    expect(failure(() => compileExpression('"a" + 1')).reason).toBe("type");
    expect(failure(() => compileExpression("   ")).reason).toBe("syntax");
  });

  it("has no access to the process, globals or modules", () => {
    for (const source of [
      "process",
      "globalThis",
      "require('fs')",
      "this",
      "eval('1')",
      "Function('x')",
      "import('fs')",
    ]) {
      expect(() => compileExpression(source), source).toThrow(ExpressionError);
    }
    // Members of the prototype are not map keys.
    expect(failure(() => evaluate("variables.constructor")).reason).toBe("evaluation");
    expect(failure(() => evaluate('variables["__proto__"]')).reason).toBe("evaluation");
  });

  it("refuses a source longer than the cap", () => {
    const long = `"${"a".repeat(EXPRESSION_LIMITS.maxSourceBytes)}"`;
    const error = failure(() => compileExpression(long));
    expect(error.reason).toBe("limit");
    expect(error.message).toMatch(/4096/);
  });

  it("refuses expressions nested too deeply or too large", () => {
    const deep = `${"(".repeat(60)}1${")".repeat(60)}`;
    expect(failure(() => compileExpression(deep)).reason).toBe("limit");
    const wide = Array.from({ length: 600 }, (_, i) => `${i}`).join(" + ");
    expect(failure(() => compileExpression(wide)).reason).toBe("limit");
  });

  it("bounds the steps of an evaluation", () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const error = failure(() => evaluate("variables.l.map(a, variables.l.map(b, a + b))", { l: items }));
    expect(error.reason).toBe("limit");
    expect(error.message).toMatch(/steps/);
  });

  it("bounds what a step produces, so doubling a string cannot exhaust memory", () => {
    const doubling = Array.from({ length: 24 }, (_, i) => `cel.bind(s${i + 1}, s${i} + s${i},`).join(" ");
    const source = `cel.bind(s0, variables.s, ${doubling} s24${")".repeat(25)}`;
    const error = failure(() => evaluate(source, { s: "x".repeat(1024) }));
    expect(error.reason).toBe("limit");
  });

  it("refuses a result larger than the cap or that JSON cannot hold", () => {
    const big = "y".repeat(600_000);
    expect(failure(() => evaluate("[variables.s, variables.s]", { s: big })).reason).toBe("result");
    expect(failure(() => evaluate('b"abc"')).reason).toBe("result");
    expect(failure(() => evaluate("1.0 / 0.0")).reason).toBe("result");
    expect(failure(() => evaluate("9007199254740993")).reason).toBe("result");
  });

  it("reports run-time failures as evaluation errors, located where asked", () => {
    const error = failure(() => evaluateExpression("variables.nope", scope(), "node a input x"));
    expect(error.reason).toBe("evaluation");
    expect(error.message).toMatch(/^node a input x: .*nope/);
    expect(error.failure()).toMatchObject({ code: "expression_error", details: { where: "node a input x" } });
    expect(failure(() => evaluate("1 / 0")).reason).toBe("evaluation");
  });

  it("matches regular expressions with RE2, in linear time", () => {
    expect(evaluate('"order-42".matches("^order-[0-9]+$")')).toBe(true);
    expect(evaluate('variables.s.matches("b+")', { s: "abbc" })).toBe(true);
    // A catastrophic pattern for a backtracking engine finishes at once.
    const started = Date.now();
    expect(evaluate('variables.s.matches("^(a+)+$")', { s: `${"a".repeat(50_000)}!` })).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(matchesPattern(`${"a".repeat(100_000)}b`, "(a|aa)*b")).toBe(true);
  });

  it("refuses bad or oversized patterns, literal ones at compile time", () => {
    expect(failure(() => compileExpression('"a".matches("(")')).reason).toBe("syntax");
    expect(failure(() => compileExpression('"a".matches("(?=a)")')).reason).toBe("syntax");
    expect(failure(() => compileExpression(`"a".matches("${"a".repeat(1100)}")`)).reason).toBe("limit");
    expect(failure(() => evaluate('"a".matches(variables.p)', { p: "(" })).reason).toBe("syntax");
  });

  it("caches compiled expressions by source", () => {
    expect(compileExpression("1 + 2")).toBe(compileExpression("1 + 2"));
  });
});
