// generated — do not edit; run pnpm generate
// Source: schemas/issued-api-key.schema.json (packages/types/scripts/generate.mjs).

import type { ApiKeyKind, KeyId } from "./api-key.js";

/**
 * The 201 of POST /v1/keys and POST /v1/keys/{keyId}/rotate (auth.md §10.3, §10.6): the only answer that ever carries the secret. A rotation adds replaces and graceUntil.
 */
export interface IssuedApiKey {
  keyId: KeyId;
  /**
   * The secret. Shown once: store it now.
   */
  key: string;
  prefix: string;
  tenant: string;
  label: string;
  scopes: string[];
  kind: ApiKeyKind;
  createdAt: string;
  expiresAt: string | null;
  replaces?: KeyId;
  /**
   * Until when the replaced key keeps working.
   */
  graceUntil?: string;
  [k: string]: unknown;
}
