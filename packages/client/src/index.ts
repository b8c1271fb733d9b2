export { createClient } from "./client.js";
export type {
  BulkCancelOptions,
  ClientOptions,
  CreatedRun,
  CreateWebhookOptions,
  DeliveriesApi,
  EventFeedOptions,
  EventsApi,
  KeyFailuresOptions,
  KeysApi,
  ListDeliveriesOptions,
  ListKeysOptions,
  ListRunsOptions,
  ListWebhooksOptions,
  OpenWopClient,
  OpenedEventStream,
  PauseOptions,
  PollOptions,
  RunsApi,
  StreamOptions,
  WaitOptions,
  WebhooksApi,
} from "./client.js";
export {
  WireError,
  LocalClientError,
  TimeoutError,
  TransportError,
  UnreadableResponseError,
  looksLikeErrorEnvelope,
} from "./errors.js";
export type { RawResponse, RequestSpec } from "./http.js";
export { readSseFrames, parseFrameData } from "./sse-frames.js";
export type { ReadSseFramesOptions, SseFrame } from "./sse-frames.js";
export { verifyWebhookSignature } from "./webhook-signature.js";
export type { VerifyWebhookOptions } from "./webhook-signature.js";
export { readiness, READINESS_CODES } from "./readiness.js";
export type { Readiness, ReadinessCode, ReadinessIssue, ReadinessOptions } from "./readiness.js";
export { retryAfterMs } from "./create-with-retries.js";
export type { CreateRunOptions } from "./create-with-retries.js";
export type { WatchRunOptions } from "./watch-run.js";
