import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../nodes/builtin.js";
import { WorkflowCatalog, WorkflowDefinitionError } from "./catalog.js";
import { CONFORMANCE_FIXTURES } from "./fixtures.js";

const base = {
  id: "w",
  name: "w",
  version: "1",
  triggers: [{ id: "manual", type: "manual" }],
  variables: [],
  metadata: {},
  settings: {},
  edges: [] as unknown[],
};
const node = (id: string, typeId = "core.noop", inputs: Record<string, unknown> = {}) => ({
  id,
  typeId,
  name: id,
  position: { x: 0, y: 0 },
  config: {},
  inputs,
});

function refusal(candidate: unknown): string[] {
  try {
    new WorkflowCatalog(createBuiltinRegistry()).register(candidate);
  } catch (error) {
    if (error instanceof WorkflowDefinitionError) return error.problems;
    throw error;
  }
  throw new Error("expected the definition to be refused");
}

describe("WorkflowCatalog", () => {
  it("registers every conformance fixture", () => {
    const catalog = new WorkflowCatalog(createBuiltinRegistry());
    for (const fixture of CONFORMANCE_FIXTURES) catalog.register(fixture);
    expect(catalog.ids()).toHaveLength(CONFORMANCE_FIXTURES.length);
  });

  it("refuses a schema violation with the path", () => {
    expect(refusal({ ...base, nodes: [] }).join(" ")).toMatch(/nodes/);
  });

  it("refuses unknown node types, dangling edges, cycles and expressions that do not compile", () => {
    expect(refusal({ ...base, nodes: [node("a", "vendor.nothing")] })).toEqual([
      "node a has unknown typeId vendor.nothing",
    ]);
    expect(
      refusal({ ...base, nodes: [node("a")], edges: [{ id: "e", sourceNodeId: "a", targetNodeId: "zz" }] }),
    ).toEqual(["edge e ends at unknown node zz"]);
    expect(
      refusal({
        ...base,
        nodes: [node("a"), node("b")],
        edges: [
          { id: "ab", sourceNodeId: "a", targetNodeId: "b" },
          { id: "ba", sourceNodeId: "b", targetNodeId: "a" },
        ],
      }),
    ).toEqual(["edges form a cycle through a, b"]);
    expect(
      refusal({ ...base, nodes: [node("a", "core.identity", { x: { type: "expression", expression: "1+" } })] })[0],
    ).toMatch(/^node a input x expression: /);
  });
});
