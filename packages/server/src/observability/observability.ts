import type { Engine, RunStatusCounts } from "@openwop/core";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "../context.js";
import { createLogger, errorField, logLevelFromEnv } from "./logger.js";
import { metricsSink } from "./metrics-sink.js";
import { OtelInstruments } from "./otel-instruments.js";
import { PrometheusMetrics } from "./prometheus-metrics.js";
import { QueueSampler } from "./queue-sampler.js";
import { requestLog } from "./request-log.js";
import { terminalLogSink } from "./terminal-log.js";

export interface ObservabilityOptions {
  /** Default: JSON lines on standard output at `OPENWOP_LOG_LEVEL` (default `info`). */
  logger?: Logger;
  /** Where queue depth and backlog are counted: the engine's shared, cached run counts. */
  runCounts: RunStatusCounts;
  /** Reported as the OpenTelemetry meter version. */
  version?: string;
  /** How long a queue sample from storage is reused; default 5 s. */
  queueSampleMaxAgeMs?: number;
}

/**
 * Everything a server process observes itself with: the structured log, the Prometheus
 * registry behind `GET /metrics`, and the OpenTelemetry instruments. The engine reports
 * once per occurrence into its telemetry hub; {@link attach} subscribes the metrics
 * fan-out and the run terminal log to it.
 */
export class Observability {
  readonly logger: Logger;
  readonly prometheus = new PrometheusMetrics();
  readonly otel: OtelInstruments;
  readonly queue: QueueSampler;

  constructor(options: ObservabilityOptions) {
    this.logger = options.logger ?? createLogger({ level: logLevelFromEnv(process.env) });
    this.queue = new QueueSampler(options.runCounts, options.queueSampleMaxAgeMs);
    this.otel = new OtelInstruments(this.queue, options.version);
  }

  /** Feeds the engine's reports to the metrics and the terminal log; returns a detach function. */
  attach(engine: Engine): () => void {
    const detachMetrics = engine.telemetry.attach(metricsSink(this.prometheus, this.otel));
    const detachLog = engine.telemetry.attach(terminalLogSink(this.logger));
    return () => {
      detachMetrics();
      detachLog();
    };
  }

  /** The per-request log line and HTTP metrics, as hono middleware. */
  requestLog(): ReturnType<typeof requestLog> {
    return requestLog(this.logger, this.prometheus);
  }

  /** Logs a request answered with `500 internal_error`, under the correlation id its body carries. */
  internalError(c: Context<AppEnv>, error: unknown, correlationId: string): void {
    this.logger.error(
      {
        event: "http.error",
        method: c.req.method,
        path: c.req.path,
        correlationId,
        errorCode: "internal_error",
        err: errorField(error),
      },
      "request failed with an internal error",
    );
  }

  /** The Prometheus exposition, with the queue figures refreshed when their sample is stale. */
  async renderPrometheus(): Promise<string> {
    const sample = await this.queue.read();
    this.prometheus.queueDepth.set(sample.pending);
    this.prometheus.runBacklog.set(sample.backlog);
    return this.prometheus.render();
  }
}
