export { createOpenWopApp, type OpenWopAppOptions } from "./app.js";
export { startOpenWopHost, type HostOptions, type RunningHost } from "./host.js";
export { readHostConfig, HostConfigError, type EnvHostConfig } from "./env-config.js";
export { buildDiscoveryDocument, STREAM_MODES, type DiscoveryOptions, type Implementation } from "./discovery.js";
export { buildOpenApiDocument, type OperationSpec } from "./openapi.js";
export { OPERATIONS } from "./operations.js";
export { envelopeOf, type ErrorEnvelope } from "./envelope.js";
export { runHostMain } from "./main-runner.js";
