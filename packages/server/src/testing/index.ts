export { describeHostSuite, type HostLaunch, type LaunchedHost } from "./host-suite.js";
export { request, bearer, type HttpResult, type RequestOptions } from "./http.js";
export { openSse, collectUntilClosed, type SseFrame, type SseSession } from "./sse.js";
export { MALFORMED_REQUESTS, type MalformedRequest } from "./malformed-requests.js";
export { DIAMOND_WORKFLOW, SLOW_CHAIN_WORKFLOW } from "./workflows.js";
export { spawnHostProcess, type HostProcess } from "./spawn-host.js";
export { RunProbe, type ProbedEvent } from "./run-probe.js";
export {
  expectExpired,
  expectSweepUnderLoad,
  inParallel,
  runCopier,
  type SweepUnderLoadOptions,
} from "./retention.js";
// One `eventually` for every package's tests: it lives in @openwop/storage/testing, below core and server.
export { eventually } from "@openwop/storage/testing";
export { expectErrorEnvelope, type ErrorEnvelopeBody } from "./error-envelope.js";
export {
  startOidcIssuer,
  type OidcIssuer,
  type OidcIssuerAlgorithm,
  type OidcIssuerOptions,
  type OidcSignOptions,
} from "./oidc-issuer.js";
export {
  ACCEPT_ALL,
  signedWith,
  startWebhookReceiver,
  type ReceivedWebhook,
  type ReceiverAnswer,
  type ReceiverPlan,
  type WebhookReceiver,
} from "./webhook-receiver.js";
export {
  describeWebhookDurability,
  webhookDurabilityEnv,
  type WebhookDurabilityOptions,
} from "./webhook-durability.js";
