// generated — do not edit; run pnpm generate
// Source: schemas/error-envelope.schema.json (packages/types/scripts/generate.mjs).

/**
 * The one body shape of every non-2xx response. Exactly three top-level keys: anything else a host wants to say (retry hints, the missing scope, a correlation id) belongs under details, so clients can rely on the shape.
 */
export interface ErrorEnvelope {
  /**
   * Stable machine-readable code, e.g. "validation_error" or "not_found".
   */
  error: string;
  /**
   * Human-readable explanation. Must not echo caller input or leak internals.
   */
  message: string;
  /**
   * Structured context for the code, e.g. {"field": "workflowId"} or {"retryAfter": 1}.
   */
  details?: {
    [k: string]: unknown;
  };
}
