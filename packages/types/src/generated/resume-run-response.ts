// generated — do not edit; run pnpm generate
// Source: schemas/resume-run-response.schema.json (packages/types/scripts/generate.mjs).

/**
 * 202 body of POST /v1/runs/{runId}:resume (spec/v1/core.md §6.11): the status the run returned to, `running` for a run that had started, `pending` for one paused before it started, or its waiting status when an interrupt it waits on is still open. Open, like every response body a client reads.
 */
export interface ResumeRunResponse {
  runId: string;
  status: "pending" | "running" | "waiting-approval" | "waiting-input" | "waiting-external";
  resumedAt: string;
  [k: string]: unknown;
}
