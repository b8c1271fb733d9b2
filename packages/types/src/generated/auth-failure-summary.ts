// generated — do not edit; run pnpm generate
// Source: schemas/auth-failure-summary.schema.json (packages/types/scripts/generate.mjs).

export type AuthFailureReason =
  | "missing"
  | "malformed"
  | "unknown"
  | "expired"
  | "revoked"
  | "insufficient_scope"
  | "cross_tenant";

/**
 * The 200 of GET /v1/keys/failures (auth.md §10.10): the tenant's authentication failures since an instant, grouped by reason, key prefix and route.
 */
export interface AuthFailureSummary {
  since: string;
  failures: AuthFailureGroup[];
  [k: string]: unknown;
}
export interface AuthFailureGroup {
  reason: AuthFailureReason;
  /**
   * The presented key's prefix; never the key.
   */
  keyPrefix: string | null;
  /**
   * The routed operation, e.g. GET /v1/runs/{runId}.
   */
  route: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  [k: string]: unknown;
}

/** Every {@link AuthFailureReason}, in schema order. */
export const AUTH_FAILURE_REASON_VALUES = ["missing", "malformed", "unknown", "expired", "revoked", "insufficient_scope", "cross_tenant"] as const satisfies readonly AuthFailureReason[];
