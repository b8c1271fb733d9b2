// generated — do not edit; run pnpm generate
// Source: schemas/dead-letter-replay-request.schema.json (packages/types/scripts/generate.mjs).

/**
 * Optional body of POST /v1/webhooks/{webhookId}/dead-letters/replay (webhooks.md §14.4). Closed.
 */
export interface DeadLetterReplayRequest {
  /**
   * Only dead letters created at or after this instant.
   */
  since?: string;
  /**
   * Only dead letters created before this instant.
   */
  until?: string;
  /**
   * @minItems 1
   * @maxItems 100
   */
  eventTypes?: [string, ...string[]];
  limit?: number;
}
