export { createClient } from "./client.js";
export type {
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
  ListWebhooksOptions,
  OpenWopClient,
  OpenedEventStream,
  PollOptions,
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
