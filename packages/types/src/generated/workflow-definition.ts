// generated — do not edit; run pnpm generate
// Source: schemas/workflow-definition.schema.json (packages/types/scripts/generate.mjs).

/**
 * @maxItems 100
 */
export type WorkflowTags = string[];
export type PortValue =
  StaticPortValue | ExpressionPortValue | ConnectionPortValue | VariablePortValue;
/**
 * When the target may run given the outcomes of its incoming edges; all_success when absent.
 */
export type TriggerRule =
  "all_success" | "any_success" | "all_complete" | "none_failed" | "any_failed";
export type VariableType = "string" | "number" | "boolean" | "object" | "array";

/**
 * A workflow: a DAG of nodes joined by edges, with the triggers that start it and the variables its runs are seeded with. Closed, so a misspelt key is an error at registration rather than a silently ignored setting at run time.
 */
export interface WorkflowDefinition {
  id: string;
  name: string;
  /**
   * Author-chosen version label, e.g. "1.0.0".
   */
  version: string;
  description?: string;
  /**
   * Host-defined workflow category.
   */
  type?: string;
  status?: "active" | "inactive" | "draft" | "archived";
  isActive?: boolean;
  tenantId?: string;
  scopeId?: string;
  slug?: string;
  tags?: WorkflowTags;
  /**
   * JSON Schema 2020-12 that a run's `configurable` overlay must satisfy.
   */
  configurableSchema?: {
    [k: string]: unknown;
  };
  /**
   * @minItems 1
   */
  nodes: [WorkflowNode, ...WorkflowNode[]];
  edges: WorkflowEdge[];
  triggers: WorkflowTrigger[];
  variables: WorkflowVariable[];
  metadata: WorkflowMetadata;
  settings: WorkflowSettings;
  createdAt?: string;
  updatedAt?: string;
}
export interface WorkflowNode {
  id: string;
  /**
   * Registered node type, e.g. "core.delay".
   */
  typeId: string;
  name: string;
  position: NodePosition;
  /**
   * Type-specific static configuration.
   */
  config: {
    [k: string]: unknown;
  };
  /**
   * Where each input port gets its value, keyed by port name.
   */
  inputs: {
    [k: string]: PortValue;
  };
  /**
   * Runtime capability ids the node needs. A host that lacks one must not execute the node and fails the run with capability_not_provided.
   */
  requires?: string[];
  /**
   * Per-node execution settings interpreted by the host. The retry members are defined by spec/v1/core.md §8.5; other members are host-specific.
   */
  settings?: {
    /**
     * Retries after a failed attempt; overrides the workflow's settings.maxRetries.
     */
    maxRetries?: number;
    /**
     * Wait before the first retry, doubled for each later one; 1000 when absent.
     */
    retryBackoffMs?: number;
    /**
     * Cap on the wait between attempts; 30000 when absent.
     */
    maxRetryDelayMs?: number;
    [k: string]: unknown;
  };
  disabled?: boolean;
  notes?: string;
  /**
   * Output ports whose values are redacted before they reach the event log.
   */
  outputSensitivity?: {
    [k: string]: boolean;
  };
  outputRole?: "primary" | "secondary";
  groupId?: string;
  credentialsRef?: string;
}
/**
 * Canvas coordinates; no effect on execution.
 */
export interface NodePosition {
  x: number;
  y: number;
}
export interface StaticPortValue {
  type: "static";
  /**
   * Any JSON value.
   */
  value: unknown;
}
export interface ExpressionPortValue {
  type: "expression";
  expression: string;
}
/**
 * Takes the value of another node's output.
 */
export interface ConnectionPortValue {
  type: "connection";
  nodeId: string;
  outputKey: string;
  optional?: boolean;
}
/**
 * Takes the value of a workflow variable.
 */
export interface VariablePortValue {
  type: "variable";
  variableName: string;
  optional?: boolean;
}
export interface WorkflowEdge {
  id: string;
  sourceNodeId: string;
  targetNodeId: string;
  /**
   * Output port of the source; "output" when absent.
   */
  sourceOutput?: string;
  /**
   * Input port of the target; "input" when absent.
   */
  targetInput?: string;
  condition?: EdgeCondition;
  label?: string;
  triggerRule?: TriggerRule;
}
export interface EdgeCondition {
  type: "expression" | "equals" | "notEquals" | "contains" | "regex" | "truthy" | "falsy";
  /**
   * Left operand; any JSON value.
   */
  left?: unknown;
  /**
   * Right operand; any JSON value.
   */
  right?: unknown;
  expression?: string;
}
export interface WorkflowTrigger {
  id: string;
  type:
    | "manual"
    | "schedule"
    | "webhook"
    | "event"
    | "artifact"
    | "canvas"
    | "envelope"
    | "command"
    | "chat-message"
    | "channel-write";
  name?: string;
  config?: {
    [k: string]: unknown;
  };
  /**
   * true when absent.
   */
  enabled?: boolean;
  nodeId?: string;
  eventType?: string;
}
/**
 * A run input. Defaults seed the run's variables, then POST /v1/runs inputs override them.
 */
export interface WorkflowVariable {
  name: string;
  type: VariableType;
  description?: string;
  required?: boolean;
  /**
   * Any JSON value of the declared type.
   */
  defaultValue?: unknown;
  /**
   * Redact the value in events, logs and debug bundles.
   */
  sensitive?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
}
/**
 * Descriptive data about the workflow. Open: hosts and authors keep their own keys here.
 */
export interface WorkflowMetadata {
  tags?: WorkflowTags;
  complianceClass?: "public" | "pii" | "phi" | "pci" | "regulated";
  createdBy?: string;
  [k: string]: unknown;
}
export interface WorkflowSettings {
  /**
   * Maximum run duration in milliseconds.
   */
  timeout?: number;
  maxRetries?: number;
  logLevel?: "debug" | "info" | "warn" | "error";
  /**
   * Cap on loop-back traversals; 5 when absent.
   */
  maxLoopbackIterations?: number;
}

/** Every {@link TriggerRule}, in schema order. */
export const TRIGGER_RULE_VALUES = ["all_success", "any_success", "all_complete", "none_failed", "any_failed"] as const satisfies readonly TriggerRule[];

/** Every {@link VariableType}, in schema order. */
export const VARIABLE_TYPE_VALUES = ["string", "number", "boolean", "object", "array"] as const satisfies readonly VariableType[];
