import type { JsonValue } from "@openwop/storage";
import { SETTLED_NODE_STATUSES, type EngineState, type NodeState } from "../run/state.js";
import { compareValues, isComparison } from "./compare.js";
import type { EdgeCondition, WorkflowDefinition, WorkflowEdge, WorkflowNode } from "@openwop/types";

/** What the scheduler decides to do next with a run. */
export type NextStep =
  | { kind: "execute"; node: WorkflowNode }
  | { kind: "skip"; node: WorkflowNode; reason: string }
  | { kind: "finished"; outcome: "completed" }
  | { kind: "finished"; outcome: "failed"; failedNodeId: string };

/**
 * A workflow as a DAG: incoming edges per node, and a stable order (definition order)
 * for deciding between nodes that are ready at the same time.
 */
export class WorkflowGraph {
  readonly #incoming = new Map<string, WorkflowEdge[]>();
  readonly #outgoing = new Map<string, WorkflowEdge[]>();

  constructor(readonly definition: WorkflowDefinition) {
    for (const node of definition.nodes) {
      this.#incoming.set(node.id, []);
      this.#outgoing.set(node.id, []);
    }
    for (const edge of definition.edges) {
      this.#incoming.get(edge.targetNodeId)?.push(edge);
      this.#outgoing.get(edge.sourceNodeId)?.push(edge);
    }
  }

  /** The node ids in an order where every edge points forward, or the ids on a cycle. */
  topologicalOrder(): { order: string[] } | { cycle: string[] } {
    const remaining = new Map<string, number>();
    for (const node of this.definition.nodes) remaining.set(node.id, this.#incoming.get(node.id)?.length ?? 0);
    const ready = this.definition.nodes.filter((n) => remaining.get(n.id) === 0).map((n) => n.id);
    const order: string[] = [];
    while (ready.length > 0) {
      const id = ready.shift() as string;
      order.push(id);
      for (const edge of this.#outgoing.get(id) ?? []) {
        const left = (remaining.get(edge.targetNodeId) ?? 0) - 1;
        remaining.set(edge.targetNodeId, left);
        if (left === 0) ready.push(edge.targetNodeId);
      }
    }
    if (order.length === this.definition.nodes.length) return { order };
    return { cycle: [...remaining.entries()].filter(([, n]) => n > 0).map(([id]) => id) };
  }

  /**
   * The next thing to do: continue a node already in progress, start or skip the first
   * ready node, or finish. A node is ready when every incoming edge is resolved (its
   * source settled); its trigger rule then says whether it runs or is skipped.
   */
  next(state: EngineState): NextStep {
    for (const node of this.definition.nodes) {
      const status = state.nodes[node.id]?.status;
      if (status === "running" || status === "sleeping" || status === "retrying" || status === "resumed")
        return { kind: "execute", node };
    }
    for (const node of this.definition.nodes) {
      if (state.nodes[node.id]?.status !== "pending") continue;
      const decision = this.#readiness(node, state);
      if (decision === "waiting") continue;
      if (node.disabled) return { kind: "skip", node, reason: "disabled" };
      if (decision === "run") return { kind: "execute", node };
      return { kind: "skip", node, reason: decision.skip };
    }
    const failed = this.#unhandledFailure(state);
    return failed === null
      ? { kind: "finished", outcome: "completed" }
      : { kind: "finished", outcome: "failed", failedNodeId: failed };
  }

  #readiness(node: WorkflowNode, state: EngineState): "waiting" | "run" | { skip: string } {
    const edges = this.#incoming.get(node.id) ?? [];
    if (edges.length === 0) return "run";
    const sources = edges.map((edge) => ({ edge, source: state.nodes[edge.sourceNodeId] }));
    if (sources.some(({ source }) => !source || !SETTLED_NODE_STATUSES.includes(source.status))) return "waiting";
    const fired = sources.filter(({ edge, source }) => edgeFires(edge, source as NodeState)).length;
    const failed = sources.filter(({ source }) => source?.status === "failed").length;
    const rule = edges.find((e) => e.triggerRule)?.triggerRule ?? "all_success";
    const runs =
      rule === "all_success"
        ? fired === edges.length
        : rule === "any_success"
          ? fired > 0
          : rule === "all_complete"
            ? true
            : rule === "none_failed"
              ? failed === 0
              : failed > 0;
    return runs ? "run" : { skip: `trigger rule ${rule} not satisfied` };
  }

  /** A failed node fails the run unless a successor meant to handle failure ran after it. */
  #unhandledFailure(state: EngineState): string | null {
    for (const node of this.definition.nodes) {
      if (state.nodes[node.id]?.status !== "failed") continue;
      const handled = (this.#outgoing.get(node.id) ?? []).some((edge) => {
        const target = this.definition.nodes.find((n) => n.id === edge.targetNodeId);
        const rule = this.#incoming.get(edge.targetNodeId)?.find((e) => e.triggerRule)?.triggerRule;
        return (
          target !== undefined &&
          (rule === "any_failed" || rule === "all_complete") &&
          state.nodes[target.id]?.status === "completed"
        );
      });
      if (!handled) return node.id;
    }
    return null;
  }
}

/** Whether a settled source passes control along this edge. */
export function edgeFires(edge: WorkflowEdge, source: NodeState): boolean {
  if (source.status !== "completed") return false;
  if (source.branch !== undefined && edge.sourceOutput !== undefined && edge.sourceOutput !== "output") {
    if (edge.sourceOutput !== source.branch) return false;
  }
  return edge.condition === undefined || conditionHolds(edge.condition, source);
}

/** `left` names an output of the source node when it has one; otherwise it is a literal. */
function conditionHolds(condition: EdgeCondition, source: NodeState): boolean {
  if (!isComparison(condition.type)) return false;
  const outputs = source.outputs ?? {};
  // Operands come from a definition that was read as JSON, so they are JSON values.
  const literal = { left: condition.left as JsonValue | undefined, right: condition.right as JsonValue | undefined };
  const left = typeof literal.left === "string" && literal.left in outputs ? outputs[literal.left] : literal.left;
  return compareValues(condition.type, left, literal.right);
}
