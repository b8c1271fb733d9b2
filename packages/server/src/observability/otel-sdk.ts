import type { Logger } from "pino";
import type { Implementation } from "../discovery.js";
import { routeOtelDiagnostics } from "./otel-diag.js";

/** What runHostMain holds on to: flushes and stops exporters at exit. */
export interface OtelSdkHandle {
  /** True when an SDK was started (export was requested by the environment). */
  readonly started: boolean;
  shutdown(): Promise<void>;
}

const NOT_STARTED: OtelSdkHandle = { started: false, shutdown: async () => undefined };

const isSet = (env: NodeJS.ProcessEnv, name: string): boolean => (env[name] ?? "").trim() !== "";

/**
 * Which signals the standard OpenTelemetry environment asks to export: an OTLP endpoint
 * (general or per signal) or an explicit exporter choice. `OTEL_SDK_DISABLED=true` wins.
 */
export function otelExportRequested(env: NodeJS.ProcessEnv): { traces: boolean; metrics: boolean } {
  if ((env["OTEL_SDK_DISABLED"] ?? "").trim().toLowerCase() === "true") return { traces: false, metrics: false };
  const endpoint = isSet(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  return {
    traces: endpoint || isSet(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") || isSet(env, "OTEL_TRACES_EXPORTER"),
    metrics: endpoint || isSet(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") || isSet(env, "OTEL_METRICS_EXPORTER"),
  };
}

/**
 * Starts the OpenTelemetry Node SDK when the environment asks for export, configured by the
 * standard `OTEL_*` variables (exporters, protocol, endpoint, headers, sampler, resource).
 * The SDK is imported only then, so a host without `OTEL_*` loads none of it.
 *
 * `service.name` and `service.version` are the implementation's (an operator's
 * `OTEL_SERVICE_NAME` still wins); a signal the environment did not ask for is left off
 * rather than sent to a default endpoint; logs stay on standard output (no OTLP logs).
 * Must run before the host is built: a meter taken before registration stays a no-op.
 */
export async function startOtelSdk(
  env: NodeJS.ProcessEnv,
  implementation: Implementation,
  logger?: Logger,
): Promise<OtelSdkHandle> {
  const wanted = otelExportRequested(env);
  if (!wanted.traces && !wanted.metrics) return NOT_STARTED;
  // The contract's implementer default sampler; the SDK reads these from the process environment.
  if (!isSet(process.env, "OTEL_TRACES_SAMPLER")) {
    process.env["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
    if (!isSet(process.env, "OTEL_TRACES_SAMPLER_ARG")) process.env["OTEL_TRACES_SAMPLER_ARG"] = "0.1";
  }
  const { startNodeSdk } = await import("@opentelemetry/sdk-node");
  const sdk = startNodeSdk({
    logLevel: env["OTEL_LOG_LEVEL"] ?? "warn",
    resourceAttributes: {
      ...(isSet(env, "OTEL_SERVICE_NAME") ? {} : { "service.name": implementation.name }),
      "service.version": implementation.version,
    },
    logRecordProcessors: [],
    ...(wanted.traces ? {} : { spanProcessors: [] }),
    ...(wanted.metrics ? {} : { metricReaders: [] }),
  });
  if (logger) routeOtelDiagnostics(logger, env["OTEL_LOG_LEVEL"]);
  return { started: true, shutdown: () => boundedShutdown(sdk.shutdown()) };
}

/** Exporters retry an unreachable collector for a while; exit never waits more than this for them. */
const SHUTDOWN_BUDGET_MS = 5_000;

async function boundedShutdown(shutdown: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_BUDGET_MS);
    timer.unref();
  });
  try {
    await Promise.race([shutdown, budget]);
  } finally {
    clearTimeout(timer);
  }
}
