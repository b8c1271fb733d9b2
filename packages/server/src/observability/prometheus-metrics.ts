import { RUN_DURATION_BUCKETS, NODE_DURATION_BUCKETS } from "./buckets.js";
import { Counter } from "./prometheus/counter.js";
import { Gauge } from "./prometheus/gauge.js";
import { Histogram } from "./prometheus/histogram.js";
import { PrometheusRegistry } from "./prometheus/registry.js";

/**
 * The metrics `GET /metrics` exposes: the Prometheus spelling of the `openwop.*`
 * instruments (observability.md §4.1) plus the HTTP layer's own. Labels are bounded
 * sets (registered workflows, node types, statuses); run ids never appear.
 */
export class PrometheusMetrics {
  readonly registry = new PrometheusRegistry();
  readonly runCreated = this.registry.register(
    new Counter("openwop_run_created_total", "Runs created.", ["workflow_id"]),
  );
  readonly runCompleted = this.registry.register(
    new Counter("openwop_run_completed_total", "Runs that reached a terminal status, by status.", [
      "workflow_id",
      "status",
    ]),
  );
  readonly runDuration = this.registry.register(
    new Histogram(
      "openwop_run_duration_seconds",
      "Run duration from run.started to the terminal event.",
      ["workflow_id", "status"],
      RUN_DURATION_BUCKETS,
    ),
  );
  readonly runActive = this.registry.register(new Gauge("openwop_run_active", "Runs this process is executing now."));
  readonly nodeCompleted = this.registry.register(
    new Counter("openwop_node_completed_total", "Nodes that completed or failed, by type and status.", [
      "node_type",
      "status",
    ]),
  );
  readonly nodeDuration = this.registry.register(
    new Histogram(
      "openwop_node_duration_seconds",
      "Node duration from node.started until it settled.",
      ["node_type"],
      NODE_DURATION_BUCKETS,
    ),
  );
  readonly capExceeded = this.registry.register(
    new Counter("openwop_cap_exceeded_total", "Runs that breached a limit, by limit kind.", ["cap_kind"]),
  );
  readonly queueDepth = this.registry.register(
    new Gauge(
      "openwop_queue_depth",
      "Runs waiting to execute (status pending), sampled from storage at most every few seconds.",
    ),
  );
  readonly runBacklog = this.registry.register(
    new Gauge("openwop_run_backlog", "Runs not yet terminal, sampled from storage at most every few seconds."),
  );
  readonly httpRequests = this.registry.register(
    new Counter("openwop_http_requests_total", "HTTP requests answered, by status class.", ["status_class"]),
  );
  readonly httpInflight = this.registry.register(
    new Gauge("openwop_http_inflight", "HTTP requests in flight, open streams included."),
  );
}
