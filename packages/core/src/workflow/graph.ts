import type { JsonObject, JsonValue } from "@openwop/storage";
import { SETTLED_NODE_STATUSES, type EngineState, type NodeState } from "../run/state.js";
import { compareValues, isEdgeComparison } from "./compare.js";
import { evaluateExpression, ExpressionError, requireBoolean } from "./expression.js";
import type { EdgeCondition, WorkflowDefinition, WorkflowEdge, WorkflowNode } from "@openwop/types";

/** What the scheduler decides to do next with a run. */
export type NextStep =
  | { kind: "execute"; node: WorkflowNode }
  | { kind: "skip"; node: WorkflowNode; reason: string; error?: ExpressionError }
  | { kind: "finished"; outcome: "completed" }
  | { kind: "finished"; outcome: "failed"; failedNodeId: string };

/** What an edge condition of type `expression` reads besides node outputs (core.md §8.9). */
export interface ConditionScope {
  variables: JsonObject;
  inputs: JsonObject;
}

/** How an edge resolved (core.md §8.2); `error` when its condition failed to evaluate. */
export type EdgeOutcome = { outcome: "success" | "skipped" } | { outcome: "failed"; error?: ExpressionError };

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
  next(state: EngineState, scope: ConditionScope = { variables: {}, inputs: {} }): NextStep {
    for (const node of this.definition.nodes) {
      const status = state.nodes[node.id]?.status;
      if (status === "running" || status === "sleeping" || status === "retrying" || status === "resumed")
        return { kind: "execute", node };
    }
    for (const node of this.definition.nodes) {
      if (state.nodes[node.id]?.status !== "pending") continue;
      const decision = this.#readiness(node, state, scope);
      if (decision === "waiting") continue;
      if (node.disabled) return { kind: "skip", node, reason: "disabled" };
      if (decision === "run") return { kind: "execute", node };
      return decision.error
        ? { kind: "skip", node, reason: "expression_error", error: decision.error }
        : { kind: "skip", node, reason: decision.skip };
    }
    const failed = this.#unhandledFailure(state);
    return failed === null
      ? { kind: "finished", outcome: "completed" }
      : { kind: "finished", outcome: "failed", failedNodeId: failed };
  }

  #readiness(
    node: WorkflowNode,
    state: EngineState,
    scope: ConditionScope,
  ): "waiting" | "run" | { skip: string; error?: ExpressionError } {
    const edges = this.#incoming.get(node.id) ?? [];
    if (edges.length === 0) return "run";
    const sources = edges.map((edge) => ({ edge, source: state.nodes[edge.sourceNodeId] }));
    if (sources.some(({ source }) => !source || !SETTLED_NODE_STATUSES.includes(source.status))) return "waiting";
    const outputsOf = (id: string) =>
      state.nodes[id]?.status === "completed" ? (state.nodes[id]?.outputs ?? {}) : undefined;
    const outcomes = sources.map(({ edge, source }) => resolveEdge(edge, source as NodeState, { ...scope, outputsOf }));
    const fired = outcomes.filter((o) => o.outcome === "success").length;
    const failed = outcomes.filter((o) => o.outcome === "failed").length;
    const conditionError = outcomes.flatMap((o) => (o.outcome === "failed" && o.error ? [o.error] : []))[0];
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
    if (runs) return "run";
    return conditionError
      ? { skip: "expression_error", error: conditionError }
      : { skip: `trigger rule ${rule} not satisfied` };
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

/**
 * How an edge whose source settled resolves (core.md §8.2): failed when the source failed or
 * was cancelled, or when its condition could not be evaluated; success when the source
 * completed, selected the edge and the condition holds; skipped otherwise.
 */
export function resolveEdge(
  edge: WorkflowEdge,
  source: NodeState,
  scope: ConditionScope & { outputsOf: (nodeId: string) => JsonObject | undefined },
): EdgeOutcome {
  if (source.status === "failed" || source.status === "cancelled") return { outcome: "failed" };
  if (source.status !== "completed") return { outcome: "skipped" };
  if (source.branch !== undefined && edge.sourceOutput !== undefined && edge.sourceOutput !== "output") {
    if (edge.sourceOutput !== source.branch) return { outcome: "skipped" };
  }
  if (edge.condition === undefined) return { outcome: "success" };
  try {
    return { outcome: conditionHolds(edge, source, scope) ? "success" : "skipped" };
  } catch (error) {
    if (error instanceof ExpressionError) return { outcome: "failed", error };
    throw error;
  }
}

/** Whether a settled source passes control along this edge, for callers that need only that. */
export function edgeFires(
  edge: WorkflowEdge,
  source: NodeState,
  scope: ConditionScope & { outputsOf: (nodeId: string) => JsonObject | undefined } = {
    variables: {},
    inputs: {},
    outputsOf: () => undefined,
  },
): boolean {
  return resolveEdge(edge, source, scope).outcome === "success";
}

/**
 * `left` names an output of the source node when it is a string naming one; otherwise it is a
 * literal. `right` is always a literal. `expression` is CEL that must evaluate to a bool.
 */
function conditionHolds(
  edge: WorkflowEdge,
  source: NodeState,
  scope: ConditionScope & { outputsOf: (nodeId: string) => JsonObject | undefined },
): boolean {
  const condition = edge.condition as EdgeCondition;
  const where = `edge ${edge.id} condition`;
  if (condition.type === "expression") {
    if (typeof condition.expression !== "string")
      throw new ExpressionError("syntax", "an expression condition needs an expression", where);
    return requireBoolean(evaluateExpression(condition.expression, scope, where), where);
  }
  if (!isEdgeComparison(condition.type)) throw new ExpressionError("syntax", `unknown condition type`, where);
  const outputs = source.outputs ?? {};
  // Operands come from a definition that was read as JSON, so they are JSON values.
  const literal = { left: condition.left as JsonValue | undefined, right: condition.right as JsonValue | undefined };
  const left =
    typeof literal.left === "string" && Object.hasOwn(outputs, literal.left) ? outputs[literal.left] : literal.left;
  try {
    return compareValues(condition.type, left, literal.right);
  } catch (error) {
    throw error instanceof ExpressionError ? error.at(where) : error;
  }
}
