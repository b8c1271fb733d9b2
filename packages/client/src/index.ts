export { createClient } from "./client.js";
export type {
  ClientOptions,
  CreatedRun,
  KeyFailuresOptions,
  KeysApi,
  ListKeysOptions,
  OpenWopClient,
  OpenedEventStream,
  PollOptions,
  StreamOptions,
  WaitOptions,
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
