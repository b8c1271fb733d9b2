import type { RunRecord } from "@openwop/storage";
import { readEngineState } from "../run/state.js";
import type { RunTerminalSummary } from "./sink.js";

export type TerminalStatus = "completed" | "failed" | "cancelled";

/**
 * The terminal summary of a run as committed. Everything comes from the stored record,
 * so it is the same whichever process finished the run: the creating request's
 * correlation id was stored in the engine state at creation for exactly this.
 */
export function terminalSummary(run: RunRecord, status: TerminalStatus): RunTerminalSummary {
  const origin = readEngineState(run.engineState).origin;
  const started = run.startedAt === null ? Number.NaN : Date.parse(run.startedAt);
  const ended = run.completedAt === null ? Number.NaN : Date.parse(run.completedAt);
  return {
    runId: run.runId,
    tenantId: run.tenantId,
    workflowId: run.workflowId,
    status,
    errorCode: status === "failed" ? (run.error?.code ?? "unknown_error") : null,
    correlationId: origin?.correlationId ?? null,
    durationMs: Number.isFinite(started) && Number.isFinite(ended) ? Math.max(0, ended - started) : 0,
  };
}
