import type { OperationSpec } from "./openapi.js";

/** Every operation the server registers: the single source of the OpenAPI document. */
export const OPERATIONS: readonly OperationSpec[] = [
  {
    method: "get",
    path: "/.well-known/openwop",
    summary: "Discovery document",
    responses: { "200": "Capabilities", "304": "Not modified" },
  },
  {
    method: "get",
    path: "/v1/openapi.json",
    summary: "This OpenAPI document",
    responses: { "200": "OpenAPI 3.1 document" },
  },
  {
    method: "get",
    path: "/v1/workflows/{workflowId}",
    summary: "Read a workflow definition",
    scope: "manifest:read",
    responses: { "200": "WorkflowDefinition", "404": "Unknown workflow" },
  },
  {
    method: "post",
    path: "/v1/runs",
    summary: "Create a run",
    scope: "runs:create",
    responses: {
      "201": "Run created",
      "200": "Idempotent replay",
      "400": "Invalid request",
      "409": "Idempotency conflict",
    },
  },
  {
    method: "get",
    path: "/v1/runs/{runId}",
    summary: "Read a run snapshot",
    scope: "runs:read",
    responses: { "200": "RunSnapshot", "404": "Unknown run" },
  },
  {
    method: "post",
    path: "/v1/runs/{runId}/cancel",
    summary: "Cancel a run",
    scope: "runs:cancel",
    responses: { "200": "Cancelling or cancelled", "404": "Unknown run" },
  },
  {
    method: "get",
    path: "/v1/runs/{runId}/events",
    summary: "Stream run events (SSE)",
    scope: "runs:read",
    responses: { "200": "text/event-stream", "400": "Unsupported stream mode" },
  },
  {
    method: "get",
    path: "/v1/runs/{runId}/events/poll",
    summary: "Poll run events",
    scope: "runs:read",
    responses: { "200": "PollResponse" },
  },
  {
    method: "get",
    path: "/v1/runs/{runId}/debug-bundle",
    summary: "Export a redacted debug bundle of a run",
    scope: "runs:read",
    responses: {
      "200": "DebugBundle",
      "400": "maxEvents is not a positive integer",
      "404": "Unknown run",
      "410": "Run expired",
    },
  },
  {
    method: "post",
    path: "/v1/runs/{runId}/interrupts/{nodeId}",
    summary: "Resolve an interrupt",
    scope: "approvals:respond",
    responses: {
      "200": "Resolved",
      "400": "Invalid resume value",
      "404": "No such interrupt",
      "409": "Already resolved",
      "422": "Cancelled",
    },
  },
];
