import type { EngineTelemetry, RunTerminalSummary } from "@openwop/core";
import type { Logger } from "pino";

/**
 * The run terminal record of observability.md §5.3 (production profile P6): exactly one
 * per run, written by the process that committed the terminal step, after the commit.
 * `info`, or `warn` for a failed run.
 */
export function terminalLogSink(logger: Logger): Pick<EngineTelemetry, "runTerminal"> {
  return {
    runTerminal(summary: RunTerminalSummary) {
      const record = {
        event: "run.terminal",
        runId: summary.runId,
        tenantId: summary.tenantId,
        workflowId: summary.workflowId,
        status: summary.status,
        errorCode: summary.errorCode,
        correlationId: summary.correlationId,
        durationMs: summary.durationMs,
      };
      if (summary.status === "failed") logger.warn(record, "run.terminal");
      else logger.info(record, "run.terminal");
    },
  };
}
