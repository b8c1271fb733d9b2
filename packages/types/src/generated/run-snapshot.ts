// generated — do not edit; run pnpm generate
// Source: schemas/run-snapshot.schema.json (packages/types/scripts/generate.mjs).

/**
 * Lifecycle status of a run. completed, failed and cancelled are terminal; readers treat values they do not know as terminal-unknown.
 */
export type RunStatus =
  | "pending"
  | "running"
  | "paused"
  | "waiting-approval"
  | "waiting-input"
  | "waiting-external"
  | "completed"
  | "failed"
  | "cancelling"
  | "cancelled";

/**
 * The state of one run as returned by GET /v1/runs/{runId}. The root is open: readers ignore fields they do not know.
 */
export interface RunSnapshot {
  runId: string;
  workflowId: string;
  status: RunStatus;
  owner?: RunOwner;
  /**
   * The node a suspended (waiting-*) run is parked on.
   */
  currentNodeId?: string;
  startedAt?: string;
  completedAt?: string;
  /**
   * Per-node execution state, keyed by node id.
   */
  nodeStates?: {
    [k: string]: unknown;
  };
  variables?: {
    [k: string]: unknown;
  };
  channels?: {
    [k: string]: unknown;
  };
  error?: RunError;
  /**
   * Version of the engine that wrote the run. A number here, unlike the string on events.
   */
  engineVersion?: number;
  eventLogSchemaVersion?: number;
  tags?: string[];
  metadata?: {
    [k: string]: unknown;
  };
  configurable?: {
    [k: string]: unknown;
  };
  inputs?: {
    [k: string]: unknown;
  };
  /**
   * Set on runs started by a core.subWorkflow node.
   */
  parentRunId?: string;
  parentNodeId?: string;
  [k: string]: unknown;
}
/**
 * Identity triple the run was created under. Opaque ids only, never personal data.
 */
export interface RunOwner {
  tenant: string;
  workspace?: string;
  principal?: string;
  /**
   * What kind of caller the principal is, e.g. "user" or "service".
   */
  principalKind?: string;
}
/**
 * Why a run failed, e.g. {"code": "recursion_limit_exceeded", "message": "..."}.
 */
export interface RunError {
  code: string;
  message: string;
  details?: {
    [k: string]: unknown;
  };
}

/** Every {@link RunStatus}, in schema order. */
export const RUN_STATUS_VALUES = ["pending", "running", "paused", "waiting-approval", "waiting-input", "waiting-external", "completed", "failed", "cancelling", "cancelled"] as const satisfies readonly RunStatus[];
