// generated — do not edit; run pnpm generate
// Source: schemas/create-api-key-request.schema.json (packages/types/scripts/generate.mjs).

import type { ApiKeyKind } from "./api-key.js";

/**
 * Body of POST /v1/keys (auth.md §10.3). Closed.
 */
export interface CreateApiKeyRequest {
  /**
   * Scopes the new key grants; each must be one the caller holds.
   *
   * @minItems 1
   * @maxItems 32
   */
  scopes: [string, ...string[]];
  kind?: ApiKeyKind;
  label?: string;
  /**
   * A date-time in the future.
   */
  expiresAt?: string;
}
