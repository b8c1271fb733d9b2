import { describe, expect, it } from "vitest";
import { initialEngineState, type EngineState, type NodeStatus } from "../run/state.js";
import type { TriggerRule, WorkflowDefinition } from "@openwop/types";
import { WorkflowGraph } from "./graph.js";

const node = (id: string) => ({ id, typeId: "core.noop", name: id, position: { x: 0, y: 0 }, config: {}, inputs: {} });

function graph(
  edges: Array<[string, string, { rule?: TriggerRule; sourceOutput?: string }?]>,
  ids: string[],
): WorkflowGraph {
  const definition: WorkflowDefinition = {
    id: "g",
    name: "g",
    version: "1",
    nodes: ids.map(node) as WorkflowDefinition["nodes"],
    edges: edges.map(([s, t, o]) => ({
      id: `${s}-${t}`,
      sourceNodeId: s,
      targetNodeId: t,
      ...(o?.rule ? { triggerRule: o.rule } : {}),
      ...(o?.sourceOutput ? { sourceOutput: o.sourceOutput } : {}),
    })),
    triggers: [],
    variables: [],
    metadata: {},
    settings: {},
  };
  return new WorkflowGraph(definition);
}

function state(
  ids: string[],
  statuses: Record<string, NodeStatus> = {},
  branches: Record<string, string> = {},
): EngineState {
  const s = initialEngineState(ids, { nodeExecutions: 100 });
  for (const [id, status] of Object.entries(statuses))
    s.nodes[id] = { status, ...(branches[id] ? { branch: branches[id] } : {}) };
  return s;
}

describe("WorkflowGraph", () => {
  const diamond = graph(
    [
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
    ],
    ["a", "b", "c", "d"],
  );

  it("waits for both branches of a diamond before the join", () => {
    expect(diamond.next(state(["a", "b", "c", "d"]))).toMatchObject({ kind: "execute", node: { id: "a" } });
    expect(diamond.next(state(["a", "b", "c", "d"], { a: "completed", b: "completed" }))).toMatchObject({
      kind: "execute",
      node: { id: "c" },
    });
    expect(diamond.next(state(["a", "b", "c", "d"], { a: "completed", b: "completed", c: "completed" }))).toMatchObject(
      {
        kind: "execute",
        node: { id: "d" },
      },
    );
    expect(
      diamond.next(state(["a", "b", "c", "d"], { a: "completed", b: "completed", c: "completed", d: "completed" })),
    ).toEqual({
      kind: "finished",
      outcome: "completed",
    });
  });

  it("continues a node already in progress before starting another", () => {
    expect(diamond.next(state(["a", "b", "c", "d"], { a: "completed", c: "sleeping" }))).toMatchObject({
      node: { id: "c" },
    });
  });

  it("skips an all_success join when a branch failed, and fails the run on that branch", () => {
    const s = state(["a", "b", "c", "d"], { a: "completed", b: "failed", c: "completed" });
    expect(diamond.next(s)).toMatchObject({ kind: "skip", node: { id: "d" } });
    s.nodes["d"] = { status: "skipped" };
    expect(diamond.next(s)).toEqual({ kind: "finished", outcome: "failed", failedNodeId: "b" });
  });

  it("runs an any_failed handler, which makes the failure handled", () => {
    const g = graph([["a", "handler", { rule: "any_failed" }]], ["a", "handler"]);
    const s = state(["a", "handler"], { a: "failed" });
    expect(g.next(s)).toMatchObject({ kind: "execute", node: { id: "handler" } });
    s.nodes["handler"] = { status: "completed" };
    expect(g.next(s)).toEqual({ kind: "finished", outcome: "completed" });
  });

  it("follows only the branch a conditional took", () => {
    const g = graph(
      [
        ["if", "yes", { sourceOutput: "true" }],
        ["if", "no", { sourceOutput: "false" }],
      ],
      ["if", "yes", "no"],
    );
    const s = state(["if", "yes", "no"], { if: "completed" }, { if: "false" });
    expect(g.next(s)).toMatchObject({ kind: "skip", node: { id: "yes" } });
    s.nodes["yes"] = { status: "skipped" };
    expect(g.next(s)).toMatchObject({ kind: "execute", node: { id: "no" } });
  });

  it("finds cycles", () => {
    expect(
      graph(
        [
          ["a", "b"],
          ["b", "a"],
        ],
        ["a", "b"],
      ).topologicalOrder(),
    ).toEqual({ cycle: ["a", "b"] });
    expect(diamond.topologicalOrder()).toEqual({ order: ["a", "b", "c", "d"] });
  });
});
