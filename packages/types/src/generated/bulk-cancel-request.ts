// generated — do not edit; run pnpm generate
// Source: schemas/bulk-cancel-request.schema.json (packages/types/scripts/generate.mjs).

/**
 * Body of POST /v1/runs:bulk-cancel (spec/v1/core.md §6.10): up to 100 run ids, cancelled one by one in the order given. Closed. An id that names no run of the caller's tenant is answered in its own result, not by refusing the request.
 */
export interface BulkCancelRequest {
  /**
   * @minItems 1
   * @maxItems 100
   */
  runIds: [string, ...string[]];
  reason?: string;
}
