import type { OperationSpec } from "./openapi.js";

// Every operation answers `internal_error` (500); every one outside the backpressure
// exemptions answers `service_unavailable` (503); every one with a scope answers
// `unauthenticated` (401) and `forbidden` (403). The OpenAPI builder adds those; `errors`
// lists what the operation itself refuses with.
const RUN_LOOKUP = ["not_found", "run_expired"] as const;
const IDEMPOTENCY = ["idempotency_key_mismatch", "idempotency_in_flight"] as const;
const BODY = ["validation_error", "unsupported_media_type"] as const;

/** Every operation the server registers: the single source of the OpenAPI document. */
export const OPERATIONS: readonly OperationSpec[] = [
  {
    method: "get",
    path: "/.well-known/openwop",
    summary: "Discovery document",
    responses: { "200": "Capabilities", "304": "Not modified" },
    errors: [],
    exempt: true,
  },
  {
    method: "get",
    path: "/v1/openapi.json",
    summary: "This OpenAPI document",
    responses: { "200": "OpenAPI 3.1 document" },
    errors: [],
    exempt: true,
  },
  {
    method: "get",
    path: "/v1/workflows/{workflowId}",
    summary: "Read a workflow definition",
    scope: "manifest:read",
    responses: { "200": "WorkflowDefinition" },
    errors: ["not_found"],
  },
  {
    method: "post",
    path: "/v1/runs",
    summary: "Create a run",
    scope: "runs:create",
    responses: { "201": "Run created", "200": "Idempotent replay" },
    errors: [...BODY, ...IDEMPOTENCY],
  },
  {
    method: "get",
    path: "/v1/runs/{runId}",
    summary: "Read a run snapshot",
    scope: "runs:read",
    responses: { "200": "RunSnapshot" },
    errors: [...RUN_LOOKUP],
  },
  {
    method: "post",
    path: "/v1/runs/{runId}/cancel",
    summary: "Cancel a run",
    scope: "runs:cancel",
    responses: { "200": "Cancelling or cancelled" },
    errors: [...BODY, ...IDEMPOTENCY, ...RUN_LOOKUP, "run_busy"],
  },
  {
    method: "get",
    path: "/v1/runs/{runId}/events",
    summary: "Stream run events (SSE)",
    scope: "runs:read",
    responses: { "200": "text/event-stream" },
    errors: ["unsupported_stream_mode", "validation_error", ...RUN_LOOKUP],
  },
  {
    method: "get",
    path: "/v1/runs/{runId}/events/poll",
    summary: "Poll run events",
    scope: "runs:read",
    responses: { "200": "PollResponse" },
    errors: ["validation_error", ...RUN_LOOKUP],
  },
  {
    method: "get",
    path: "/v1/runs/{runId}/debug-bundle",
    summary: "Export a redacted debug bundle of a run",
    scope: "runs:read",
    responses: { "200": "DebugBundle" },
    errors: ["validation_error", ...RUN_LOOKUP],
  },
  {
    method: "post",
    path: "/v1/runs/{runId}/interrupts/{nodeId}",
    summary: "Resolve an interrupt",
    scope: "approvals:respond",
    responses: { "200": "Resolved" },
    errors: [
      ...BODY,
      ...IDEMPOTENCY,
      ...RUN_LOOKUP,
      "interrupt_not_found",
      "interrupt_already_resolved",
      "interrupt_cancelled",
    ],
  },
  {
    method: "post",
    path: "/v1/keys",
    summary: "Issue a key (its secret is in this answer only)",
    scope: "keys:manage",
    responses: { "201": "IssuedApiKey" },
    errors: [...BODY],
  },
  {
    method: "get",
    path: "/v1/keys",
    summary: "List the tenant's keys, newest first",
    scope: "keys:manage",
    responses: { "200": "ApiKeyList" },
    errors: ["validation_error"],
  },
  {
    method: "get",
    path: "/v1/keys/self",
    summary: "The calling key's metadata",
    anyCredential: true,
    responses: { "200": "ApiKey" },
    errors: ["not_found"],
  },
  {
    method: "get",
    path: "/v1/keys/failures",
    summary: "The tenant's authentication failures, grouped",
    scope: "keys:manage",
    responses: { "200": "AuthFailureSummary" },
    errors: ["validation_error"],
  },
  {
    method: "get",
    path: "/v1/keys/{keyId}",
    summary: "A key's metadata",
    scope: "keys:manage",
    responses: { "200": "ApiKey" },
    errors: ["not_found"],
  },
  {
    method: "post",
    path: "/v1/keys/{keyId}/rotate",
    summary: "Rotate a key: a successor now, the old key until its grace ends",
    scope: "keys:manage",
    responses: { "201": "IssuedApiKey" },
    errors: [...BODY, "not_found", "key_not_active"],
  },
  {
    method: "delete",
    path: "/v1/keys/{keyId}",
    summary: "Revoke a key",
    scope: "keys:manage",
    responses: { "204": "Revoked" },
    errors: ["not_found"],
  },
];
