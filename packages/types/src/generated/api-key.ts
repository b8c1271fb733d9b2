// generated — do not edit; run pnpm generate
// Source: schemas/api-key.schema.json (packages/types/scripts/generate.mjs).

/**
 * A key's opaque, non-secret id.
 */
export type KeyId = string;
/**
 * test keys may use test seams; live keys never do (auth.md §8).
 */
export type ApiKeyKind = "live" | "test";
/**
 * bootstrap: the host's bootstrap key; environment: another key the host is configured with; api: issued by POST /v1/keys or a rotation.
 */
export type ApiKeyOrigin = "bootstrap" | "environment" | "api";
/**
 * revoked once revokedAt is set; else expired once expiresAt has passed; else grace when rotated; else active.
 */
export type ApiKeyStatus = "active" | "grace" | "expired" | "revoked";

/**
 * A key's metadata, as GET /v1/keys, GET /v1/keys/{keyId} and GET /v1/keys/self answer it (auth.md §10.2). Open like every response body, except that it can never carry the secret or its digest.
 */
export interface ApiKey {
  keyId: KeyId;
  /**
   * The visible start of the secret, e.g. hk_live_3q8V6c; safe to show and log.
   */
  prefix: string;
  tenant: string;
  label: string;
  scopes: string[];
  kind: ApiKeyKind;
  origin: ApiKeyOrigin;
  status: ApiKeyStatus;
  createdAt: string;
  expiresAt: string | null;
  /**
   * May lag the last use by a few seconds.
   */
  lastUsedAt: string | null;
  rotatedAt: string | null;
  revokedAt: string | null;
  /**
   * The successor of a rotation.
   */
  replacedBy: KeyId | null;
  /**
   * The key this one replaced in a rotation.
   */
  replaces: KeyId | null;
  key?: never;
  keyHash?: never;
  secret?: never;
  [k: string]: unknown;
}

/** Every {@link ApiKeyKind}, in schema order. */
export const API_KEY_KIND_VALUES = ["live", "test"] as const satisfies readonly ApiKeyKind[];

/** Every {@link ApiKeyOrigin}, in schema order. */
export const API_KEY_ORIGIN_VALUES = ["bootstrap", "environment", "api"] as const satisfies readonly ApiKeyOrigin[];

/** Every {@link ApiKeyStatus}, in schema order. */
export const API_KEY_STATUS_VALUES = ["active", "grace", "expired", "revoked"] as const satisfies readonly ApiKeyStatus[];
