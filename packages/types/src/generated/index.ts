// generated — do not edit; run pnpm generate
// Source: schemas/*.schema.json (packages/types/scripts/generate.mjs).

export * from "./api-key.js";
export * from "./api-key-list.js";
export * from "./auth-failure-summary.js";
export * from "./bulk-cancel-request.js";
export * from "./bulk-cancel-response.js";
export * from "./cancel-run-response.js";
export * from "./capabilities.js";
export * from "./conformance-result.js";
export * from "./create-api-key-request.js";
export * from "./create-run-request.js";
export * from "./create-run-response.js";
export * from "./create-webhook-request.js";
export * from "./created-webhook.js";
export * from "./dead-letter-replay-request.js";
export * from "./debug-bundle.js";
export * from "./error-envelope.js";
export * from "./event-feed-page.js";
export * from "./interrupt-resolution.js";
export * from "./interrupt-resolution-response.js";
export * from "./issued-api-key.js";
export * from "./pause-run-request.js";
export * from "./pause-run-response.js";
export * from "./poll-response.js";
export * from "./resume-run-response.js";
export * from "./rotate-api-key-request.js";
export * from "./run-event.js";
export * from "./run-list.js";
export * from "./run-snapshot.js";
export * from "./run-summary.js";
export * from "./webhook-delivery.js";
export * from "./webhook-delivery-list.js";
export * from "./webhook-subscription.js";
export * from "./webhook-subscription-list.js";
export * from "./workflow-definition.js";

import type { ApiKey } from "./api-key.js";
import type { ApiKeyList } from "./api-key-list.js";
import type { AuthFailureSummary } from "./auth-failure-summary.js";
import type { BulkCancelRequest } from "./bulk-cancel-request.js";
import type { BulkCancelResponse } from "./bulk-cancel-response.js";
import type { CancelRunResponse } from "./cancel-run-response.js";
import type { Capabilities } from "./capabilities.js";
import type { ConformanceResult } from "./conformance-result.js";
import type { CreateApiKeyRequest } from "./create-api-key-request.js";
import type { CreateRunRequest } from "./create-run-request.js";
import type { CreateRunResponse } from "./create-run-response.js";
import type { CreateWebhookRequest } from "./create-webhook-request.js";
import type { CreatedWebhook } from "./created-webhook.js";
import type { DeadLetterReplayRequest } from "./dead-letter-replay-request.js";
import type { DebugBundle } from "./debug-bundle.js";
import type { ErrorEnvelope } from "./error-envelope.js";
import type { EventFeedPage } from "./event-feed-page.js";
import type { InterruptResolution } from "./interrupt-resolution.js";
import type { InterruptResolutionResponse } from "./interrupt-resolution-response.js";
import type { IssuedApiKey } from "./issued-api-key.js";
import type { PauseRunRequest } from "./pause-run-request.js";
import type { PauseRunResponse } from "./pause-run-response.js";
import type { PollResponse } from "./poll-response.js";
import type { ResumeRunResponse } from "./resume-run-response.js";
import type { RotateApiKeyRequest } from "./rotate-api-key-request.js";
import type { RunEvent } from "./run-event.js";
import type { RunList } from "./run-list.js";
import type { RunSnapshot } from "./run-snapshot.js";
import type { RunSummary } from "./run-summary.js";
import type { WebhookDelivery } from "./webhook-delivery.js";
import type { WebhookDeliveryList } from "./webhook-delivery-list.js";
import type { WebhookSubscription } from "./webhook-subscription.js";
import type { WebhookSubscriptionList } from "./webhook-subscription-list.js";
import type { WorkflowDefinition } from "./workflow-definition.js";

/** Every schema in `schemas/`, by file name without `.schema.json`, sorted. */
export const schemaNames = [
  "api-key",
  "api-key-list",
  "auth-failure-summary",
  "bulk-cancel-request",
  "bulk-cancel-response",
  "cancel-run-response",
  "capabilities",
  "conformance-result",
  "create-api-key-request",
  "create-run-request",
  "create-run-response",
  "create-webhook-request",
  "created-webhook",
  "dead-letter-replay-request",
  "debug-bundle",
  "error-envelope",
  "event-feed-page",
  "interrupt-resolution",
  "interrupt-resolution-response",
  "issued-api-key",
  "pause-run-request",
  "pause-run-response",
  "poll-response",
  "resume-run-response",
  "rotate-api-key-request",
  "run-event",
  "run-list",
  "run-snapshot",
  "run-summary",
  "webhook-delivery",
  "webhook-delivery-list",
  "webhook-subscription",
  "webhook-subscription-list",
  "workflow-definition",
] as const;

/** The name of one schema in `schemas/`. */
export type SchemaName = (typeof schemaNames)[number];

/** The type a document has once it validates against the schema of that name. */
export interface SchemaTypeMap {
  "api-key": ApiKey;
  "api-key-list": ApiKeyList;
  "auth-failure-summary": AuthFailureSummary;
  "bulk-cancel-request": BulkCancelRequest;
  "bulk-cancel-response": BulkCancelResponse;
  "cancel-run-response": CancelRunResponse;
  "capabilities": Capabilities;
  "conformance-result": ConformanceResult;
  "create-api-key-request": CreateApiKeyRequest;
  "create-run-request": CreateRunRequest;
  "create-run-response": CreateRunResponse;
  "create-webhook-request": CreateWebhookRequest;
  "created-webhook": CreatedWebhook;
  "dead-letter-replay-request": DeadLetterReplayRequest;
  "debug-bundle": DebugBundle;
  "error-envelope": ErrorEnvelope;
  "event-feed-page": EventFeedPage;
  "interrupt-resolution": InterruptResolution;
  "interrupt-resolution-response": InterruptResolutionResponse;
  "issued-api-key": IssuedApiKey;
  "pause-run-request": PauseRunRequest;
  "pause-run-response": PauseRunResponse;
  "poll-response": PollResponse;
  "resume-run-response": ResumeRunResponse;
  "rotate-api-key-request": RotateApiKeyRequest;
  "run-event": RunEvent;
  "run-list": RunList;
  "run-snapshot": RunSnapshot;
  "run-summary": RunSummary;
  "webhook-delivery": WebhookDelivery;
  "webhook-delivery-list": WebhookDeliveryList;
  "webhook-subscription": WebhookSubscription;
  "webhook-subscription-list": WebhookSubscriptionList;
  "workflow-definition": WorkflowDefinition;
}
