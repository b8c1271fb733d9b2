import { validateWorkflowDefinition } from "@openwop/schema";
import type { NodeRegistry } from "../nodes/registry.js";
import { EDGE_CONDITION_TYPES, isEdgeComparison } from "./compare.js";
import type { WorkflowDefinition } from "@openwop/types";
import { compileExpression, compilePattern, ExpressionError, type CompiledExpression } from "./expression.js";
import { WorkflowGraph } from "./graph.js";

/** Why a workflow definition cannot be registered, with every problem found. */
export class WorkflowDefinitionError extends Error {
  override readonly name = "WorkflowDefinitionError";
  constructor(
    readonly workflowId: string,
    readonly problems: string[],
  ) {
    super(`workflow ${workflowId} is invalid: ${problems.join("; ")}`);
  }
}

/** A definition plus the graph derived from it once, at registration. */
export interface RegisteredWorkflow {
  definition: WorkflowDefinition;
  graph: WorkflowGraph;
}

/**
 * The workflows a host can run. Registration checks everything that can be known
 * before a run starts — schema, references, cycles, node types, unsupported inputs —
 * so a bad definition is refused once, loudly, instead of failing runs later.
 */
export class WorkflowCatalog {
  readonly #workflows = new Map<string, RegisteredWorkflow>();

  constructor(private readonly registry: NodeRegistry) {}

  register(candidate: unknown): RegisteredWorkflow {
    const checked = validateWorkflowDefinition(candidate);
    const label =
      typeof candidate === "object" && candidate !== null && typeof (candidate as { id?: unknown }).id === "string"
        ? (candidate as { id: string }).id
        : "(no id)";
    if (!checked.valid) {
      throw new WorkflowDefinitionError(
        label,
        checked.errors.map((e) => `${e.path || "/"} ${e.message}`),
      );
    }
    const definition = checked.value as unknown as WorkflowDefinition;
    const problems = this.#semanticProblems(definition);
    if (problems.length > 0) throw new WorkflowDefinitionError(definition.id, problems);
    const registered = { definition, graph: new WorkflowGraph(definition) };
    this.#workflows.set(definition.id, registered);
    return registered;
  }

  get(workflowId: string): RegisteredWorkflow | undefined {
    return this.#workflows.get(workflowId);
  }

  ids(): string[] {
    return [...this.#workflows.keys()].sort();
  }

  #semanticProblems(definition: WorkflowDefinition): string[] {
    const problems: string[] = [];
    const nodeIds = new Set<string>();
    for (const node of definition.nodes) {
      if (nodeIds.has(node.id)) problems.push(`node id ${node.id} is used twice`);
      nodeIds.add(node.id);
      if (!this.registry.has(node.typeId)) problems.push(`node ${node.id} has unknown typeId ${node.typeId}`);
    }
    const variableNames = new Set(definition.variables.map((v) => v.name));
    for (const node of definition.nodes) {
      for (const [port, source] of Object.entries(node.inputs)) {
        if (source.type === "connection" && !nodeIds.has(source.nodeId)) {
          problems.push(`node ${node.id} input ${port} reads unknown node ${source.nodeId}`);
        }
        if (source.type === "variable" && !variableNames.has(source.variableName) && !source.optional) {
          problems.push(`node ${node.id} input ${port} reads undeclared variable ${source.variableName}`);
        }
        if (source.type === "expression") {
          const problem = expressionProblem(source.expression, nodeIds);
          if (problem) problems.push(`node ${node.id} input ${port} expression: ${problem}`);
        }
      }
    }
    for (const edge of definition.edges) {
      if (!nodeIds.has(edge.sourceNodeId)) problems.push(`edge ${edge.id} starts at unknown node ${edge.sourceNodeId}`);
      if (!nodeIds.has(edge.targetNodeId)) problems.push(`edge ${edge.id} ends at unknown node ${edge.targetNodeId}`);
      const problem = edge.condition ? conditionProblem(edge.condition, nodeIds) : undefined;
      if (problem) problems.push(`edge ${edge.id} condition: ${problem}`);
    }
    if (problems.length === 0) {
      const order = new WorkflowGraph(definition).topologicalOrder();
      if ("cycle" in order) problems.push(`edges form a cycle through ${order.cycle.join(", ")}`);
    }
    return problems;
  }
}

/** Why an expression cannot run (core.md §8.9): it does not compile, or reads a node the workflow lacks. */
function expressionProblem(source: string, nodeIds: ReadonlySet<string>): string | undefined {
  let compiled: CompiledExpression;
  try {
    compiled = compileExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
  const unknown = [...compiled.nodeRefs].filter((id) => !nodeIds.has(id));
  return unknown.length > 0 ? `reads unknown node ${unknown.join(", ")}` : undefined;
}

/** Why an edge condition cannot be evaluated (core.md §8.2). */
function conditionProblem(
  condition: NonNullable<WorkflowDefinition["edges"][number]["condition"]>,
  nodeIds: ReadonlySet<string>,
): string | undefined {
  if (condition.type === "expression") {
    if (typeof condition.expression !== "string" || condition.expression === "")
      return "type expression needs a non-empty expression";
    return expressionProblem(condition.expression, nodeIds);
  }
  if (!isEdgeComparison(condition.type))
    return `type ${condition.type} is not supported (use ${EDGE_CONDITION_TYPES.join(", ")})`;
  if (condition.type === "regex") {
    if (typeof condition.right !== "string") return "type regex needs a string pattern in right";
    try {
      compilePattern(condition.right);
    } catch (error) {
      if (error instanceof ExpressionError) return error.message;
      throw error;
    }
  }
  return undefined;
}
