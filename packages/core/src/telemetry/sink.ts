import type { AuthFailure } from "../keys/auth-failures.js";
import type { DeliveryAttempted } from "../webhooks/dispatcher.js";
import type { TerminalStatus } from "./terminal.js";

/** What is known about a run when it reaches a terminal status: one record per run. */
export interface RunTerminalSummary {
  runId: string;
  tenantId: string;
  workflowId: string;
  status: TerminalStatus;
  /** The run's `error.code` when it failed; null otherwise. */
  errorCode: string | null;
  /** The correlation id of the request that created the run; null for runs created before it was stored. */
  correlationId: string | null;
  /** From `run.started` to the terminal commit; 0 for a run that never started. */
  durationMs: number;
}

/** One node settling (completing or failing) in this process. */
export interface NodeSettled {
  nodeType: string;
  status: "completed" | "failed";
  /** From the node's persisted start, so a node resumed after a takeover counts its whole life. */
  durationMs: number;
}

/**
 * Where the engine reports what it does, for metrics and logs. The engine calls each
 * method once per occurrence and keeps no counts of its own; a host decides what to make
 * of them (the server feeds OpenTelemetry instruments, a Prometheus registry and its log).
 *
 * Implementations must be cheap and must not throw; the engine guards against it anyway.
 */
export interface EngineTelemetry {
  /** A run was inserted (not an idempotent replay). */
  runCreated(event: { workflowId: string }): void;
  /** This process began executing a run (claimed it); paired with exactly one `executionEnded`. */
  executionStarted(): void;
  /** This process stopped executing a run: it finished, suspended, lost its claim, or the host stopped. */
  executionEnded(): void;
  /** A run reached a terminal status, written by the process that committed it, after the commit. */
  runTerminal(summary: RunTerminalSummary): void;
  nodeSettled(event: NodeSettled): void;
  /** A run breached one of its limits (`run-duration`, `node-executions`). */
  capExceeded(event: { kind: string }): void;
  /** A request was refused for its credential (auth.md §10.10). */
  authFailed(failure: AuthFailure): void;
  /** This process attempted a webhook delivery (webhooks.md §13.2). */
  webhookAttempted(attempt: DeliveryAttempted): void;
}
