export { createOpenWopApp, type OpenWopAppOptions } from "./app.js";
export { startOpenWopHost, type HostOptions, type RunningHost } from "./host.js";
export { readHostConfig, HostConfigError, type EnvHostConfig } from "./env-config.js";
export { buildDiscoveryDocument, STREAM_MODES, type DiscoveryOptions, type Implementation } from "./discovery.js";
export { buildOpenApiDocument, type OperationSpec } from "./openapi.js";
export { OPERATIONS } from "./operations.js";
export { envelopeOf } from "./envelope.js";
export { runHostMain } from "./main-runner.js";
export {
  DEFAULT_PRODUCTION_SETTINGS,
  MIN_IDEMPOTENCY_RETENTION_SECONDS,
  MIN_PRODUCTION_RETENTION_SECONDS,
  productionClaimBlocker,
  readProductionSettings,
  type ProductionSettings,
} from "./production/settings.js";
export { BACKPRESSURE_EXEMPT_PATHS } from "./production/inflight-gate.js";
export { createLogger, logLevelFromEnv, type Logger, type LoggerOptions } from "./observability/logger.js";
export { Observability, type ObservabilityOptions } from "./observability/observability.js";
export { startOtelSdk, otelExportRequested, type OtelSdkHandle } from "./observability/otel-sdk.js";
export { parseTraceparent } from "./observability/trace-context.js";
export { exampleHostOptions, type ExampleHostOptions } from "./example-host-options.js";
