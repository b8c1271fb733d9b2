export {
  Engine,
  DEFAULT_LIMITS,
  type EngineOptions,
  type CreateRunOptions,
  type CreateRunOutcome,
  type CreatedRun,
} from "./engine.js";
export { ProtocolError, validationError, notFound, serviceUnavailable, type RunFailure } from "./errors.js";
export { Authenticator, type Authenticated, type AuthenticatorOptions } from "./keys/authenticator.js";
export { AuthFailureLog, type AuthFailure } from "./keys/auth-failures.js";
export { CredentialRefused } from "./keys/credential-refused.js";
export { generateKeyMaterial, hashApiKey, newKeyId, prefixOf, type KeyMaterial } from "./keys/key-material.js";
export {
  DEFAULT_GRACE_LIMITS,
  KeyService,
  keyStatus,
  type ConfiguredKey,
  type ConfiguredKeysReport,
  type GraceLimits,
  type IssuedKey,
  type KeyPage,
  type KeyServiceOptions,
  type RotatedKey,
} from "./keys/key-service.js";
export type { Principal } from "./keys/principal.js";
export { requireScope } from "./keys/require-scope.js";
export { isScope, SCOPES, type Scope } from "./keys/scopes.js";
export { TokenRejectedError, type TokenVerifier } from "./keys/token-verifier.js";
export {
  checkIdempotencyKey,
  idempotencyRecordKey,
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
export {
  instantiateNodePack,
  isPackTypeId,
  loadNodePacks,
  NodePackLoadError,
  RESERVED_TYPE_ID_PREFIXES,
  type LoadedNodePack,
  type NodePack,
  type NodePackHost,
  type NodePackSource,
} from "./nodes/packs.js";
export { WorkflowCatalog, WorkflowDefinitionError, type RegisteredWorkflow } from "./workflow/catalog.js";
export { CONFORMANCE_FIXTURES } from "./workflow/fixtures.js";
export {
  compileExpression,
  evaluateExpression,
  EXPRESSION_LANGUAGE,
  EXPRESSION_LANGUAGE_VERSION,
  EXPRESSION_LIMITS,
  ExpressionError,
} from "./workflow/expression.js";
export { RunSensitivity } from "./workflow/sensitivity.js";
export { loadWorkflowsFromDir, WorkflowFileError } from "./workflow/load-dir.js";
export { toRunSnapshot } from "./run/snapshot.js";
export { toRunSummaryBody, type RunFilter, type RunPage } from "./run/listing.js";
export { DRAIN_POLICIES, type PauseOutcome, type ResumeOutcome } from "./run/pause.js";
export { MAX_BULK_CANCEL_RUN_IDS, parseBulkCancelRequest, type BulkCancelResult } from "./run/bulk-cancel.js";
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
export { isRefusedAddress } from "./webhooks/address-ranges.js";
export {
  checkWebhookUrl,
  resolveWebhookAddresses,
  WebhookUrlRejectedError,
  type WebhookAddress,
  type WebhookLookup,
  type WebhookUrlPolicy,
  type WebhookUrlRejection,
} from "./webhooks/url-safety.js";
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  postWebhook,
  RESPONSE_EXCERPT_BYTES,
  type WebhookPostOptions,
  type WebhookPostRequest,
  type WebhookPostResult,
} from "./webhooks/safe-post.js";
export {
  deliveryHeaders,
  generateWebhookSecret,
  secretFingerprint,
  signStandardWebhooks,
  signV1,
  standardWebhooksKey,
  type DeliveryHeaderInput,
  type WebhookSignatureScheme,
} from "./webhooks/signing.js";
export { pinnedLookup } from "./webhooks/receiver-agents.js";
export { SecretBox, secretBoxFromEnvValue } from "./webhooks/secret-box.js";
export { DEFAULT_DELIVERY_POLICY, retryDelayMs, type DeliveryPolicy } from "./webhooks/delivery-policy.js";
export { WebhookDispatcher, type DeliveryAttempted, type DispatcherOptions } from "./webhooks/dispatcher.js";
export { decodeFeedCursor, encodeFeedCursor } from "./webhooks/feed-cursor.js";
export { encodeOpaqueCursor, openOpaqueCursor } from "./opaque-cursor.js";
export { MAX_ID_LENGTH, unsafeIdTextReason, unstorableTextReason } from "./text.js";
export { instantOf, requireInstant } from "./instant.js";
export {
  WebhookService,
  type FeedPage,
  type Page,
  type Subscribed,
  type WebhookServiceOptions,
} from "./webhooks/webhook-service.js";
export type { EngineWebhookOptions } from "./engine.js";
