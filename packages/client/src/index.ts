export { createClient } from "./client.js";
export type {
  ClientOptions,
  CreatedRun,
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
  ProtocolError,
  looksLikeErrorEnvelope,
} from "./errors.js";
export type { ErrorEnvelope } from "./errors.js";
export type { RawResponse, RequestSpec } from "./http.js";
export { readSseFrames, parseFrameData } from "./sse-frames.js";
export type { SseFrame } from "./sse-frames.js";
export { verifyWebhookSignature } from "./webhook-signature.js";
export type { VerifyWebhookOptions } from "./webhook-signature.js";
export { TERMINAL_RUN_STATUSES, isTerminalStatus } from "./wire-types.js";
export type * from "./wire-types.js";
