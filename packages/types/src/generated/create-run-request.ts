// generated — do not edit; run pnpm generate
// Source: schemas/create-run-request.schema.json (packages/types/scripts/generate.mjs).

/**
 * Body of POST /v1/runs. Closed: an unknown top-level key is a 400, not something silently dropped.
 */
export interface CreateRunRequest {
  workflowId: string;
  /**
   * Values that override the workflow variables' defaults.
   */
  inputs?: {
    [k: string]: unknown;
  };
  /**
   * Usually derived from the API key; when given it must agree with it.
   */
  tenantId?: string;
  /**
   * Opaque caller correlation id (part of the X-Dedup key).
   */
  scopeId?: string;
  /**
   * Where signed-token interrupt links are sent.
   */
  callbackUrl?: string;
  configurable?: RunConfigurable;
  /**
   * @maxItems 100
   */
  tags?: string[];
  /**
   * Caller data stored with the run and never used for execution.
   */
  metadata?: {
    [k: string]: unknown;
  };
}
/**
 * Per-run overlay handed to node code unchanged. Reserved keys are checked here; other keys (vendor-prefixed ones included) pass through.
 */
export interface RunConfigurable {
  /**
   * Maximum node executions for this run, clamped by limits.maxNodeExecutions.
   */
  recursionLimit?: number;
  /**
   * Maximum run duration for this run, at most limits.maxRunDurationMs.
   */
  runTimeoutMs?: number;
  [k: string]: unknown;
}
