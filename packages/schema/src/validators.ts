import { createValidator } from "./validate.js";

// One named, typed validator per schema. Each compiles its schema on first use; ajv caches
// compiled schemas by $id, so a schema is compiled once however it is reached.

/**
 * Validates a discovery document (`GET /.well-known/openwop`).
 *
 * @example
 * const result = validateCapabilities(await response.json());
 * if (result.valid) console.log(result.value.protocolVersion);
 */
export const validateCapabilities = createValidator("capabilities");

/**
 * Validates an error response body `{error, message, details?}`.
 *
 * @example
 * validateErrorEnvelope({ error: "not_found", message: "Run not found." }).valid; // true
 */
export const validateErrorEnvelope = createValidator("error-envelope");

/**
 * Validates one event of a run's log.
 *
 * @example
 * const result = validateRunEvent(JSON.parse(sseFrame.data));
 */
export const validateRunEvent = createValidator("run-event");

/**
 * Validates a run snapshot (`GET /v1/runs/{runId}`).
 *
 * @example
 * const result = validateRunSnapshot(await response.json());
 * if (result.valid && result.value.status === "failed") console.log(result.value.error);
 */
export const validateRunSnapshot = createValidator("run-snapshot");

/**
 * Validates a workflow definition before it is registered.
 *
 * @example
 * const result = validateWorkflowDefinition(JSON.parse(await readFile(path, "utf8")));
 */
export const validateWorkflowDefinition = createValidator("workflow-definition");

/**
 * Validates a `POST /v1/runs` body.
 *
 * @example
 * validateCreateRunRequest({}); // { valid: false, errors: [{ path: "/workflowId", ... }] }
 */
export const validateCreateRunRequest = createValidator("create-run-request");

/**
 * Validates the 201 body of `POST /v1/runs`.
 *
 * @example
 * const result = validateCreateRunResponse(await response.json());
 */
export const validateCreateRunResponse = createValidator("create-run-response");

/**
 * Validates a `GET /v1/runs/{runId}/events/poll` body.
 *
 * @example
 * const result = validatePollResponse(await response.json());
 * if (result.valid && result.value.isTerminal) stopPolling();
 */
export const validatePollResponse = createValidator("poll-response");

/**
 * Validates the body that resolves an interrupt.
 *
 * @example
 * validateInterruptResolution({ resumeValue: { action: "maybe" } }).valid; // false
 */
export const validateInterruptResolution = createValidator("interrupt-resolution");

/**
 * Validates a run's debug bundle.
 *
 * @example
 * const result = validateDebugBundle(await response.json());
 */
export const validateDebugBundle = createValidator("debug-bundle");

/**
 * Validates one conformance-suite result document.
 *
 * @example
 * const result = validateConformanceResult(JSON.parse(await readFile(resultPath, "utf8")));
 */
export const validateConformanceResult = createValidator("conformance-result");

/**
 * Validates the 200 body of `POST /v1/runs/{runId}/cancel`.
 *
 * @example
 * const result = validateCancelRunResponse(await response.json());
 */
export const validateCancelRunResponse = createValidator("cancel-run-response");

/**
 * Validates the 200 body of `POST /v1/runs/{runId}/interrupts/{nodeId}`.
 *
 * @example
 * const result = validateInterruptResolutionResponse(await response.json());
 */
export const validateInterruptResolutionResponse = createValidator("interrupt-resolution-response");

/**
 * Validates a key's metadata (`GET /v1/keys/{keyId}`, `GET /v1/keys/self`).
 *
 * @example
 * const result = validateApiKey(await response.json());
 */
export const validateApiKey = createValidator("api-key");

/**
 * Validates a page of keys (`GET /v1/keys`).
 *
 * @example
 * const result = validateApiKeyList(await response.json());
 */
export const validateApiKeyList = createValidator("api-key-list");

/**
 * Validates the 201 of `POST /v1/keys` and of a rotation.
 *
 * @example
 * const result = validateIssuedApiKey(await response.json());
 */
export const validateIssuedApiKey = createValidator("issued-api-key");

/**
 * Validates a `POST /v1/keys` body.
 *
 * @example
 * const result = validateCreateApiKeyRequest(await response.json());
 */
export const validateCreateApiKeyRequest = createValidator("create-api-key-request");

/**
 * Validates a `POST /v1/keys/{keyId}/rotate` body.
 *
 * @example
 * const result = validateRotateApiKeyRequest(await response.json());
 */
export const validateRotateApiKeyRequest = createValidator("rotate-api-key-request");

/**
 * Validates the 200 of `GET /v1/keys/failures`.
 *
 * @example
 * const result = validateAuthFailureSummary(await response.json());
 */
export const validateAuthFailureSummary = createValidator("auth-failure-summary");

/**
 * Validates a subscription (`GET /v1/webhooks/{webhookId}`).
 *
 * @example
 * const result = validateWebhookSubscription(await response.json());
 */
export const validateWebhookSubscription = createValidator("webhook-subscription");

/**
 * Validates a page of subscriptions (`GET /v1/webhooks`).
 *
 * @example
 * const result = validateWebhookSubscriptionList(await response.json());
 */
export const validateWebhookSubscriptionList = createValidator("webhook-subscription-list");

/**
 * Validates a `POST /v1/webhooks` body.
 *
 * @example
 * const result = validateCreateWebhookRequest(await response.json());
 */
export const validateCreateWebhookRequest = createValidator("create-webhook-request");

/**
 * Validates the 201 of `POST /v1/webhooks`.
 *
 * @example
 * const result = validateCreatedWebhook(await response.json());
 */
export const validateCreatedWebhook = createValidator("created-webhook");

/**
 * Validates a delivery, with its attempts when read alone.
 *
 * @example
 * const result = validateWebhookDelivery(await response.json());
 */
export const validateWebhookDelivery = createValidator("webhook-delivery");

/**
 * Validates a page of deliveries.
 *
 * @example
 * const result = validateWebhookDeliveryList(await response.json());
 */
export const validateWebhookDeliveryList = createValidator("webhook-delivery-list");

/**
 * Validates a dead-letter replay body.
 *
 * @example
 * const result = validateDeadLetterReplayRequest(await response.json());
 */
export const validateDeadLetterReplayRequest = createValidator("dead-letter-replay-request");

/**
 * Validates a page of the tenant event feed (`GET /v1/events`).
 *
 * @example
 * const result = validateEventFeedPage(await response.json());
 */
export const validateEventFeedPage = createValidator("event-feed-page");

/**
 * Validates a page of runs (`GET /v1/runs`).
 *
 * @example
 * const result = validateRunList(await response.json());
 */
export const validateRunList = createValidator("run-list");

/**
 * Validates one listed run.
 *
 * @example
 * const result = validateRunSummary(page.runs[0]);
 */
export const validateRunSummary = createValidator("run-summary");

/**
 * Validates a `POST /v1/runs:bulk-cancel` body.
 *
 * @example
 * validateBulkCancelRequest({ runIds: [] }).valid; // false: at least one id
 */
export const validateBulkCancelRequest = createValidator("bulk-cancel-request");

/**
 * Validates the 200 of `POST /v1/runs:bulk-cancel`.
 *
 * @example
 * const result = validateBulkCancelResponse(await response.json());
 */
export const validateBulkCancelResponse = createValidator("bulk-cancel-response");

/**
 * Validates a `POST /v1/runs/{runId}:pause` body.
 *
 * @example
 * validatePauseRunRequest({ drainPolicy: "immediate" }).valid; // true
 */
export const validatePauseRunRequest = createValidator("pause-run-request");

/**
 * Validates the 202 of `POST /v1/runs/{runId}:pause`.
 *
 * @example
 * const result = validatePauseRunResponse(await response.json());
 */
export const validatePauseRunResponse = createValidator("pause-run-response");

/**
 * Validates the 202 of `POST /v1/runs/{runId}:resume`.
 *
 * @example
 * const result = validateResumeRunResponse(await response.json());
 */
export const validateResumeRunResponse = createValidator("resume-run-response");
