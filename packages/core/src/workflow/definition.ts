import type { JsonObject, JsonValue } from "@openwop/storage";

/**
 * The parts of a workflow definition the engine reads. Definitions are validated
 * against `workflow-definition.schema.json` before they get here, so these types
 * describe data already known to be well-formed.
 */
export type PortValue =
  | { type: "static"; value: JsonValue }
  | { type: "variable"; variableName: string; optional?: boolean }
  | { type: "connection"; nodeId: string; outputKey: string; optional?: boolean }
  | { type: "expression"; expression: string };

export interface WorkflowNode {
  id: string;
  typeId: string;
  name: string;
  config: JsonObject;
  inputs: Record<string, PortValue>;
  requires?: string[];
  disabled?: boolean;
}

export const TRIGGER_RULES = ["all_success", "any_success", "all_complete", "none_failed", "any_failed"] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export interface EdgeCondition {
  type: string;
  left?: JsonValue;
  right?: JsonValue;
  expression?: string;
}

export interface WorkflowEdge {
  id: string;
  sourceNodeId: string;
  targetNodeId: string;
  sourceOutput?: string;
  triggerRule?: TriggerRule;
  condition?: EdgeCondition;
}

export interface WorkflowVariable {
  name: string;
  type: "string" | "number" | "boolean" | "object" | "array";
  required?: boolean;
  defaultValue?: JsonValue;
  sensitive?: boolean;
  minimum?: number;
  maximum?: number;
}

export interface WorkflowDefinition {
  id: string;
  name: string;
  version: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  triggers: JsonObject[];
  variables: WorkflowVariable[];
  metadata: JsonObject;
  settings: { timeout?: number; maxRetries?: number } & JsonObject;
  description?: string;
  configurableSchema?: JsonObject;
}
