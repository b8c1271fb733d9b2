/**
 * Every `error` code an OpenWOP v1 host may answer with, the HTTP statuses it goes with and
 * where it is defined. This is the one home of that pairing: the server builds its refusals
 * from it, the OpenAPI document lists it, and the conformance suite reads its expectations
 * from it. A test checks it row by row against the code table of spec/v1/core.md §13.4.
 */
export interface ErrorCodeEntry {
  /** The HTTP statuses the code is sent with, the usual one first. */
  readonly statuses: readonly [number, ...number[]];
  /** Where the code is defined: a spec file and section. */
  readonly spec: string;
  /** The answer carries `Retry-After`, equal to `details.retryAfter` where that is set. */
  readonly retryAfter?: true;
  /** Only hosts implementing an optional feature send it. */
  readonly gated?: true;
  /**
   * Defined by this toolkit, for a case the spec answers with a status but no code (a
   * method a path does not serve, a body that is not JSON) or for a host-private seam.
   */
  readonly toolkit?: true;
}

const TABLE = "spec/v1/core.md §13.4";

export const ERROR_CATALOG = {
  unauthenticated: { statuses: [401], spec: "spec/v1/auth.md §4.1" },
  key_expired: { statuses: [401], spec: TABLE },
  key_revoked: { statuses: [401], spec: TABLE },
  forbidden: { statuses: [403], spec: "spec/v1/auth.md §4.2" },
  validation_error: { statuses: [400, 413, 422, 431], spec: "spec/v1/core.md §2.2" },
  not_found: { statuses: [404], spec: "spec/v1/core.md §6.8" },
  run_expired: { statuses: [410], spec: "spec/v1/production-profile.md §3.4" },
  run_forbidden: { statuses: [403], spec: TABLE, gated: true },
  run_already_active: { statuses: [409], spec: TABLE, retryAfter: true, gated: true },
  idempotency_key_mismatch: { statuses: [409], spec: "spec/v1/idempotency.md §2.7" },
  idempotency_in_flight: { statuses: [409], spec: TABLE },
  rate_limited: { statuses: [429], spec: "spec/v1/auth.md §7", retryAfter: true },
  service_unavailable: { statuses: [503], spec: "spec/v1/production-profile.md §3.2", retryAfter: true },
  internal_error: { statuses: [500], spec: "spec/v1/core.md §13.2" },
  unsupported_stream_mode: { statuses: [400], spec: "spec/v1/stream-modes.md §3.1" },
  capability_required: { statuses: [400, 404, 422], spec: TABLE, gated: true },
  capability_not_provided: { statuses: [501], spec: "spec/v1/core.md §12" },
  interrupt_not_found: { statuses: [404], spec: "spec/v1/core.md §10.6" },
  interrupt_already_resolved: { statuses: [409], spec: "spec/v1/core.md §10.6" },
  interrupt_cancelled: { statuses: [422], spec: "spec/v1/core.md §10.6" },
  interrupt_expired: { statuses: [410], spec: TABLE, gated: true },
  interrupt_gone: { statuses: [410], spec: TABLE, gated: true },
  engine_version_mismatch: { statuses: [409], spec: TABLE },
  force_engine_version_forbidden: { statuses: [403], spec: TABLE, gated: true },
  unsupported_force_engine_version: { statuses: [400], spec: TABLE, gated: true },
  mock_provider_forbidden: { statuses: [403], spec: TABLE, gated: true },
  unsupported_mock_provider: { statuses: [400], spec: TABLE, gated: true },
  webhook_url_rejected: { statuses: [400], spec: "spec/v1/webhooks.md §4.1" },
  subscription_not_found: { statuses: [404], spec: "spec/v1/webhooks.md §3" },
  key_not_active: { statuses: [409], spec: "spec/v1/auth.md §10.6", gated: true },
  cursor_expired: { statuses: [410], spec: "spec/v1/webhooks.md §15", gated: true },
  credential_required: { statuses: [400], spec: TABLE, gated: true },
  credential_forbidden: { statuses: [403], spec: TABLE, gated: true },
  credential_unavailable: { statuses: [503], spec: TABLE, gated: true },
  residency_unavailable: { statuses: [400, 404, 422], spec: TABLE, gated: true },
  provider_policy_denied: { statuses: [403], spec: TABLE, gated: true },
  workspace_conflict: { statuses: [409], spec: TABLE, gated: true },
  workspace_too_large: { statuses: [413], spec: TABLE, gated: true },
  unknown_child_workflow: { statuses: [400], spec: TABLE, gated: true },
  replay_source_missing: { statuses: [404], spec: TABLE, gated: true },
  replay_diverged_at_refusal: { statuses: [409], spec: TABLE, gated: true },
  run_not_pausable: { statuses: [409], spec: "spec/v1/core.md §6.11", gated: true },
  run_not_paused: { statuses: [409], spec: "spec/v1/core.md §6.11", gated: true },
  method_not_allowed: { statuses: [405], spec: "spec/v1/core.md §2.1", toolkit: true },
  unsupported_media_type: { statuses: [415], spec: "spec/v1/core.md §2.2", toolkit: true },
  run_not_terminal: { statuses: [409], spec: "spec/v1/production-profile.md §5", toolkit: true },
  run_busy: { statuses: [409], spec: "spec/v1/core.md §6.7", toolkit: true },
} as const satisfies Record<string, ErrorCodeEntry>;

/** An `error` code of the catalog. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Every code of the catalog, in catalog order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The HTTP status a code is usually sent with. */
export function statusOfError(code: ErrorCode): number {
  return ERROR_CATALOG[code].statuses[0];
}

/** True when `code` is in the catalog. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

/**
 * The codes a failed run carries in `RunSnapshot.error.code` and `run.failed` (core.md
 * §13.5), with where each is defined. Node types may add their own, vendor-prefixed.
 */
export const RUN_ERROR_CATALOG = {
  recursion_limit_exceeded: { spec: "spec/v1/core.md §11.2" },
  run_timeout: { spec: "spec/v1/core.md §11.3" },
  loop_limit_exceeded: { spec: "spec/v1/core.md §13.5" },
  capability_not_provided: { spec: "spec/v1/core.md §12" },
  unsupported_node_type: { spec: "spec/v1/core.md §9.10" },
  node_input_missing: { spec: "spec/v1/core.md §8.4" },
  expression_error: { spec: "spec/v1/core.md §8.9.4" },
  approval_rejected: { spec: "spec/v1/core.md §9.6" },
  invalid_node_config: { spec: "spec/v1/core.md §9.14" },
  node_failed: { spec: "spec/v1/core.md §9.5" },
  validation_error: { spec: "spec/v1/core.md §13.5" },
  internal_error: { spec: "spec/v1/core.md §13.5" },
  version_out_of_range: { spec: TABLE, gated: true },
  unknown_child_workflow: { spec: TABLE, gated: true },
} as const satisfies Record<string, { readonly spec: string; readonly gated?: true }>;

/** A run error code of the catalog. */
export type RunErrorCode = keyof typeof RUN_ERROR_CATALOG;
