/**
 * Validators for every OpenWOP v1 JSON Schema, compiled with ajv (draft 2020-12, all
 * errors reported). Types come from `@openwop/types`.
 */
export {
  validateApiKey,
  validateApiKeyList,
  validateAuthFailureSummary,
  validateBulkCancelRequest,
  validateBulkCancelResponse,
  validateCancelRunResponse,
  validateCapabilities,
  validateConformanceResult,
  validateCreateApiKeyRequest,
  validateCreateRunRequest,
  validateCreateRunResponse,
  validateCreateWebhookRequest,
  validateCreatedWebhook,
  validateDeadLetterReplayRequest,
  validateDebugBundle,
  validateErrorEnvelope,
  validateEventFeedPage,
  validateInterruptResolution,
  validateInterruptResolutionResponse,
  validateIssuedApiKey,
  validatePauseRunRequest,
  validatePauseRunResponse,
  validatePollResponse,
  validateResumeRunResponse,
  validateRotateApiKeyRequest,
  validateRunEvent,
  validateRunList,
  validateRunSnapshot,
  validateRunSummary,
  validateWebhookDelivery,
  validateWebhookDeliveryList,
  validateWebhookSubscription,
  validateWebhookSubscriptionList,
  validateWorkflowDefinition,
} from "./validators.js";
export { validate } from "./validate.js";
export { schemas } from "./schemas.js";
export type { SchemaDocument } from "./schema-document.js";
export type { ValidationIssue, ValidationResult, Validator } from "./validation-result.js";
