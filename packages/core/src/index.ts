export {
  Engine,
  DEFAULT_LIMITS,
  type EngineOptions,
  type CreateRunOptions,
  type CreateRunOutcome,
  type CreatedRun,
} from "./engine.js";
export { ProtocolError, validationError, notFound, serviceUnavailable, type RunFailure } from "./errors.js";
export {
  Authenticator,
  SCOPES,
  generateApiKey,
  hashApiKey,
  requireScope,
  storeApiKey,
  type ApiKeyGrant,
  type Principal,
  type Scope,
} from "./auth.js";
export {
  checkIdempotencyKey,
  isCacheable,
  runIdempotently,
  type IdempotencyOptions,
  type IdempotencyScope,
  type IdempotentOutcome,
} from "./idempotency.js";
export { canonicalJson, isJsonObject, sha256Hex } from "./json.js";
export { NodeRegistry } from "./nodes/registry.js";
export { BUILTIN_NODE_TYPES, createBuiltinRegistry } from "./nodes/builtin.js";
export type { NodeContext, NodeOutcome, NodeType, InterruptRequest } from "./nodes/types.js";
export { WorkflowCatalog, WorkflowDefinitionError, type RegisteredWorkflow } from "./workflow/catalog.js";
export { CONFORMANCE_FIXTURES } from "./workflow/fixtures.js";
export { loadWorkflowsFromDir, WorkflowFileError } from "./workflow/load-dir.js";
export { toRunSnapshot } from "./run/snapshot.js";
export { ENGINE_VERSION, NON_UPDATE_EVENT_TYPES } from "./run/events.js";
export type { RunLimits } from "./run/create.js";
export { buildDebugBundle, type BuiltDebugBundle, type DebugBundleRequest } from "./debug-bundle/build-bundle.js";
export { Redactor, type RedactionPolicy, type RunSecrets } from "./debug-bundle/redact.js";
export {
  DEFAULT_SECRET_KEY_PATTERNS,
  DEFAULT_SECRET_VALUE_PATTERNS,
  normalizeKey,
} from "./debug-bundle/secret-patterns.js";
export type { TruncationReason } from "./debug-bundle/fit-events.js";
export { PendingRunAdmission, type PendingRunAdmissionOptions } from "./admission/pending-runs.js";
export { RunStatusCounts, type CountedRuns, type RunStatusCountMap } from "./admission/run-status-counts.js";
export {
  RetentionSweeper,
  type RetentionSweeperOptions,
  type RetentionSweepResult,
  type RetentionSweepStore,
} from "./retention/sweeper.js";
export type { ExpiredRun } from "./retention/force-expire.js";
export { TelemetryHub } from "./telemetry/hub.js";
export type { EngineTelemetry, NodeSettled, RunTerminalSummary } from "./telemetry/sink.js";
export type { TerminalStatus } from "./telemetry/terminal.js";
export type { RunOrigin, StoredTraceContext } from "./telemetry/origin.js";
export {
  DEFAULT_OIDC_ALGORITHMS,
  OidcTokenVerifier,
  type OidcTokenVerifierOptions,
} from "./keys/oidc-token-verifier.js";
