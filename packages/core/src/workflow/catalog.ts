import { validateWorkflowDefinition } from "@openwop/schema";
import type { NodeRegistry } from "../nodes/registry.js";
import { COMPARISONS, isComparison } from "./compare.js";
import type { WorkflowDefinition } from "@openwop/types";
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
      for (const [port, source] of Object.entries(node.inputs)) {
        if (source.type === "expression")
          problems.push(`node ${node.id} input ${port} is an expression, which this host does not evaluate`);
      }
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
      }
    }
    for (const edge of definition.edges) {
      if (!nodeIds.has(edge.sourceNodeId)) problems.push(`edge ${edge.id} starts at unknown node ${edge.sourceNodeId}`);
      if (!nodeIds.has(edge.targetNodeId)) problems.push(`edge ${edge.id} ends at unknown node ${edge.targetNodeId}`);
      if (edge.condition && !isComparison(edge.condition.type)) {
        problems.push(
          `edge ${edge.id} condition type ${edge.condition.type} is not supported (use ${COMPARISONS.join(", ")})`,
        );
      }
    }
    if (problems.length === 0) {
      const order = new WorkflowGraph(definition).topologicalOrder();
      if ("cycle" in order) problems.push(`edges form a cycle through ${order.cycle.join(", ")}`);
    }
    return problems;
  }
}
