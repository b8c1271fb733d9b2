/**
 * Validators for every OpenWOP v1 JSON Schema, compiled with ajv (draft 2020-12, all
 * errors reported). Types come from `@openwop/types`.
 */
export {
  validateCancelRunResponse,
  validateCapabilities,
  validateConformanceResult,
  validateCreateRunRequest,
  validateCreateRunResponse,
  validateDebugBundle,
  validateErrorEnvelope,
  validateInterruptResolution,
  validateInterruptResolutionResponse,
  validatePollResponse,
  validateRunEvent,
  validateRunSnapshot,
  validateWorkflowDefinition,
} from "./validators.js";
export { validate } from "./validate.js";
export { schemas } from "./schemas.js";
export type { SchemaDocument } from "./schema-document.js";
export type { ValidationIssue, ValidationResult, Validator } from "./validation-result.js";
