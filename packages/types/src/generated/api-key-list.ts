// generated — do not edit; run pnpm generate
// Source: schemas/api-key-list.schema.json (packages/types/scripts/generate.mjs).

import type { ApiKey } from "./api-key.js";

/**
 * The 200 of GET /v1/keys (auth.md §10.4): one page of the tenant's keys, newest first.
 */
export interface ApiKeyList {
  /**
   * @maxItems 100
   */
  keys: ApiKey[];
  /**
   * Pass as cursor for the next page; null after the last one.
   */
  nextCursor: string | null;
  [k: string]: unknown;
}
