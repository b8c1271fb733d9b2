import type { EngineTelemetry, NodeSettled, RunTerminalSummary } from "@openwop/core";
import type { OtelInstruments } from "./otel-instruments.js";
import type { PrometheusMetrics } from "./prometheus-metrics.js";

/**
 * The engine's reports turned into metrics, twice: OpenTelemetry instruments (exported
 * when an SDK is registered) and the Prometheus registry behind `GET /metrics`. The
 * engine reports each occurrence once; this is the only place that fans it out.
 * prom-client throws on a non-finite observation, so a duration that could not be
 * measured is left out of the Prometheus histograms instead of failing the sink.
 */
export function metricsSink(prometheus: PrometheusMetrics, otel: OtelInstruments): EngineTelemetry {
  return {
    runCreated({ workflowId }) {
      prometheus.runCreated.inc({ workflow_id: workflowId });
      otel.runCreated.add(1, { "openwop.workflow_id": workflowId });
    },
    executionStarted() {
      prometheus.runActive.inc();
      otel.runActive.add(1);
    },
    executionEnded() {
      prometheus.runActive.dec();
      otel.runActive.add(-1);
    },
    runTerminal({ workflowId, status, durationMs }: RunTerminalSummary) {
      const seconds = durationMs / 1000;
      prometheus.runCompleted.inc({ workflow_id: workflowId, status });
      if (Number.isFinite(seconds)) prometheus.runDuration.observe({ workflow_id: workflowId, status }, seconds);
      const attributes = { "openwop.workflow_id": workflowId, "openwop.run_status": status };
      otel.runCompleted.add(1, attributes);
      otel.runDuration.record(seconds, attributes);
    },
    nodeSettled({ nodeType, status, durationMs }: NodeSettled) {
      const seconds = durationMs / 1000;
      prometheus.nodeCompleted.inc({ node_type: nodeType, status });
      if (Number.isFinite(seconds)) prometheus.nodeDuration.observe({ node_type: nodeType }, seconds);
      otel.nodeCompleted.add(1, { "openwop.node_type": nodeType, "openwop.node_status": status });
      otel.nodeDuration.record(seconds, { "openwop.node_type": nodeType });
    },
    authFailed({ reason }) {
      prometheus.authFailures.inc({ reason });
      otel.authFailures.add(1, { "openwop.auth_failure_reason": reason });
    },
    webhookAttempted({ outcome, latencyMs }) {
      prometheus.webhookDeliveries.inc({ outcome });
      if (Number.isFinite(latencyMs)) prometheus.webhookAttemptDuration.observe({ outcome }, latencyMs / 1000);
      otel.webhookAttempts.add(1, { "openwop.webhook_outcome": outcome });
      otel.webhookAttemptDuration.record(latencyMs / 1000, { "openwop.webhook_outcome": outcome });
    },
    capExceeded({ kind }) {
      prometheus.capExceeded.inc({ cap_kind: kind });
      otel.capExceeded.add(1, { "openwop.cap_kind": kind });
    },
  };
}
