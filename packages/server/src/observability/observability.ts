import type { Engine, RunStatusCounts } from "@openwop/core";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "../context.js";
import type { DeliveryStats, TenantKeyStats } from "@openwop/storage";
import { authFailureLogSink } from "./auth-failure-log.js";
import { CachedSample } from "./cached-sample.js";
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
  /** Per-tenant key figures for the key gauges (the storage's `keyStats`). */
  keyStats?: (now: string, expiringBefore: string) => Promise<TenantKeyStats[]>;
  /** Webhook delivery figures for the delivery gauges (the storage's `deliveryStats`). */
  deliveryStats?: (now: number) => Promise<DeliveryStats>;
}

/** How far ahead "expiring soon" looks. */
const EXPIRING_WITHIN_MS = 7 * 86_400_000;

const NO_DELIVERIES: DeliveryStats = { waiting: 0, oldestWaitingAt: null, deadLettered: 0, openCircuits: 0 };

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
  readonly #keyStats: CachedSample<TenantKeyStats[]> | undefined;
  readonly #deliveryStats: CachedSample<DeliveryStats> | undefined;

  constructor(options: ObservabilityOptions) {
    this.logger = options.logger ?? createLogger({ level: logLevelFromEnv(process.env) });
    this.queue = new QueueSampler(options.runCounts, options.queueSampleMaxAgeMs);
    const { keyStats, deliveryStats, queueSampleMaxAgeMs } = options;
    this.#keyStats = keyStats
      ? new CachedSample(
          (now) => keyStats(new Date(now).toISOString(), new Date(now + EXPIRING_WITHIN_MS).toISOString()),
          [],
          queueSampleMaxAgeMs,
        )
      : undefined;
    this.#deliveryStats = deliveryStats
      ? new CachedSample(deliveryStats, NO_DELIVERIES, queueSampleMaxAgeMs)
      : undefined;
    this.otel = new OtelInstruments(this.queue, options.version);
  }

  /** Feeds the engine's reports to the metrics and the terminal log; returns a detach function. */
  attach(engine: Engine): () => void {
    const detachMetrics = engine.telemetry.attach(metricsSink(this.prometheus, this.otel));
    const detachLog = engine.telemetry.attach(terminalLogSink(this.logger));
    const detachAuthLog = engine.telemetry.attach(authFailureLogSink(this.logger, engine.now));
    return () => {
      detachMetrics();
      detachLog();
      detachAuthLog();
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
    if (this.#keyStats) {
      const { keysExpiringSoon, keysLastRotation, keysLastRevocation } = this.prometheus;
      for (const gauge of [keysExpiringSoon, keysLastRotation, keysLastRevocation]) gauge.reset();
      for (const tenant of await this.#keyStats.sample()) {
        keysExpiringSoon.set({ tenant: tenant.tenantId }, tenant.expiringSoon);
        if (tenant.lastRotatedAt)
          keysLastRotation.set({ tenant: tenant.tenantId }, Date.parse(tenant.lastRotatedAt) / 1000);
        if (tenant.lastRevokedAt)
          keysLastRevocation.set({ tenant: tenant.tenantId }, Date.parse(tenant.lastRevokedAt) / 1000);
      }
    }
    if (this.#deliveryStats) {
      const stats = await this.#deliveryStats.sample();
      const { webhookWaiting, webhookOldestWaitingAge, webhookDeadLetters, webhookOpenCircuits } = this.prometheus;
      webhookWaiting.set(stats.waiting);
      webhookOldestWaitingAge.set(
        stats.oldestWaitingAt === null ? 0 : Math.max(0, (Date.now() - Date.parse(stats.oldestWaitingAt)) / 1000),
      );
      webhookDeadLetters.set(stats.deadLettered);
      webhookOpenCircuits.set(stats.openCircuits);
    }
    return this.prometheus.render();
  }
}
