export { createOpenWopApp, type OpenWopAppOptions } from "./app.js";
export { startOpenWopHost, type HostOptions, type RunningHost } from "./host.js";
export { answerUnparsedRequests, httpServerOptions } from "./http-server.js";
export {
  DEFAULT_HOST_SETTINGS,
  HostConfigError,
  MIN_IDEMPOTENCY_RETENTION_SECONDS,
  MIN_PRODUCTION_RETENTION_SECONDS,
  productionClaimBlocker,
  resolveHostSettings,
  type ExtraApiKey,
  type HostSettings,
} from "./settings/host-settings.js";
export { readHostSettings, SETTINGS_FROM_ENV } from "./settings/environment.js";
export { buildDiscoveryDocument, type DiscoveryOptions, type Implementation } from "./discovery.js";
export { buildOpenApiDocument, type OperationSpec } from "./openapi.js";
export { OPERATIONS } from "./operations.js";
export { envelopeOf } from "./envelope.js";
export { IDEMPOTENT_REPLAY_HEADER } from "./idempotency.js";
export { runHostMain } from "./main-runner.js";
export { BACKPRESSURE_EXEMPT_PATHS } from "./production/inflight-gate.js";
export { createLogger, logLevelFromEnv, type Logger, type LoggerOptions } from "./observability/logger.js";
export { Observability, type ObservabilityOptions } from "./observability/observability.js";
export { startOtelSdk, otelExportRequested, type OtelSdkHandle } from "./observability/otel-sdk.js";
export { parseTraceparent } from "./observability/trace-context.js";
