// generated — do not edit; run pnpm generate
// Source: schemas/pause-run-request.schema.json (packages/types/scripts/generate.mjs).

/**
 * drain-current-node (the default): a node executing when the pause arrives finishes and its result is kept; immediate: the pause takes effect at once and a node still executing runs again after resume.
 */
export type DrainPolicy = "drain-current-node" | "immediate";

/**
 * Body of POST /v1/runs/{runId}:pause (spec/v1/core.md §6.11); the body may also be absent. Closed, so a misspelt member is refused rather than ignored.
 */
export interface PauseRunRequest {
  /**
   * Why the operator paused the run; echoed in run.paused.
   */
  reason?: string;
  drainPolicy?: DrainPolicy;
}

/** Every {@link DrainPolicy}, in schema order. */
export const DRAIN_POLICY_VALUES = ["drain-current-node", "immediate"] as const satisfies readonly DrainPolicy[];
