// generated — do not edit; run pnpm generate
// Source: schemas/rotate-api-key-request.schema.json (packages/types/scripts/generate.mjs).

/**
 * Optional body of POST /v1/keys/{keyId}/rotate (auth.md §10.6). Closed. The host checks graceSeconds against its advertised keys.maxGraceSeconds.
 */
export interface RotateApiKeyRequest {
  /**
   * How long the rotated key keeps working.
   */
  graceSeconds?: number;
}
