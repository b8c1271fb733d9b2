import type { JsonObject, JsonValue } from "@openwop/storage";

/** The interrupt a node raises to wait for a person. */
export interface InterruptRequest {
  kind: "approval" | "clarification";
  /** What the person is shown: approval title/actions, or clarification questions. */
  data: JsonObject;
}

/** What a node step ends in. */
export type NodeOutcome =
  | { kind: "completed"; outputs?: JsonObject; variables?: JsonObject; branch?: string }
  | { kind: "failed"; error: { code: string; message: string; details?: JsonObject } }
  /** Wait until `wakeAt` (epoch ms) and run the node again; the deadline is persisted. */
  | { kind: "sleep"; wakeAt: number }
  | { kind: "interrupt"; interrupt: InterruptRequest };

export interface NodeContext {
  runId: string;
  nodeId: string;
  /** The node's `config` object from the workflow definition. */
  config: JsonObject;
  /** Resolved input ports. */
  inputs: JsonObject;
  /** The run's variables as of this step (read-only; return `variables` to change them). */
  variables: JsonObject;
  /** The run's `configurable` overlay, unchanged from creation. */
  configurable: JsonObject;
  /** Persisted sleep deadline from an earlier step of this node, when it slept. */
  wakeAt: number | null;
  /** The value the person answered with, when the node is resumed after an interrupt. */
  resumeValue: JsonValue | null;
  /** 0 for the first attempt, then 1, 2, ... for each retry (`node.retried`). */
  attempt: number;
  /**
   * Stable for this attempt of this node of this run, also when a crash makes the engine
   * execute the attempt again: send it with a side effect (an `Idempotency-Key`) so the
   * receiver performs it once.
   */
  idempotencyKey: string;
  /** Aborts when the run is cancelled, paused, taken over or the host stops: end the work early. */
  signal: AbortSignal;
  now(): number;
}

/**
 * A node type. `execute` must be safe to run again after a crash: the engine re-runs a
 * node whose completion was not committed, and hands a sleeping node its persisted
 * deadline instead of starting the wait over.
 */
export interface NodeType {
  typeId: string;
  /** Runtime capabilities the host must provide for this node to run. */
  requires?: readonly string[];
  execute(context: NodeContext): NodeOutcome | Promise<NodeOutcome>;
}
