import type { JsonObject, JsonValue } from "@openwop/storage";
import type { RunOrigin } from "../telemetry/origin.js";

export type NodeStatus =
  | "pending"
  | "running"
  | "sleeping"
  | "retrying"
  | "suspended"
  | "resumed"
  | "completed"
  | "failed"
  | "skipped"
  | "cancelled";

/** Where one node of a run stands. Persisted with the run in every step. */
export interface NodeState {
  status: NodeStatus;
  /** Persisted deadline (epoch ms): of a delay while sleeping, of the backoff while retrying. */
  wakeAt?: number;
  outputs?: JsonObject;
  /** Why the node failed, when it did. */
  error?: { code: string; message: string; details?: JsonObject };
  /** The branch a completed conditional node took. */
  branch?: string;
  suspensionId?: string;
  resumeValue?: JsonValue;
  startedAt?: string;
  completedAt?: string;
  /** The attempt in progress or last made, 0-based; absent before the first retry. */
  attempt?: number;
}

/** The engine's private progress for one run, stored as `RunRecord.engineState`. */
export interface EngineState {
  nodes: Record<string, NodeState>;
  /** How many nodes have entered `started`; compared against the node-execution limit. */
  executions: number;
  /** Limits resolved at creation (`configurable` is immutable, so they are too). */
  limits: { nodeExecutions: number; timeoutMs?: number };
  /** Epoch ms after which the run fails with `run_timeout`; set when the run starts. */
  deadline?: number;
  /** The creating request's correlation id and trace context; absent on runs created before it was kept. */
  origin?: RunOrigin;
}

export function initialEngineState(nodeIds: readonly string[], limits: EngineState["limits"]): EngineState {
  const nodes: Record<string, NodeState> = {};
  for (const id of nodeIds) nodes[id] = { status: "pending" };
  return { nodes, executions: 0, limits };
}

/** Engine state is stored as opaque JSON; these two functions are the only crossing. */
export function readEngineState(stored: JsonObject): EngineState {
  return stored as unknown as EngineState;
}

export function storeEngineState(state: EngineState): JsonObject {
  return JSON.parse(JSON.stringify(state)) as JsonObject;
}

export const SETTLED_NODE_STATUSES: readonly NodeStatus[] = ["completed", "failed", "skipped", "cancelled"];
