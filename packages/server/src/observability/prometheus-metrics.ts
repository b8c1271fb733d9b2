import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { NODE_DURATION_BUCKETS, RUN_DURATION_BUCKETS, WEBHOOK_ATTEMPT_BUCKETS } from "./buckets.js";

/**
 * The metrics `GET /metrics` exposes: the Prometheus spelling of the `openwop.*`
 * instruments (observability.md §4.1) plus the HTTP layer's own, rendered by prom-client.
 * Each instance owns its registry (never prom-client's global one), so several apps in one
 * process keep separate figures. Labels are bounded sets (registered workflows, node types,
 * statuses); run ids never appear.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly runCreated = new Counter({
    name: "openwop_run_created_total",
    help: "Runs created.",
    labelNames: ["workflow_id"] as const,
    registers: [this.registry],
  });
  readonly runCompleted = new Counter({
    name: "openwop_run_completed_total",
    help: "Runs that reached a terminal status, by status.",
    labelNames: ["workflow_id", "status"] as const,
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: "openwop_run_duration_seconds",
    help: "Run duration from run.started to the terminal event.",
    labelNames: ["workflow_id", "status"] as const,
    buckets: [...RUN_DURATION_BUCKETS],
    registers: [this.registry],
  });
  readonly runActive = new Gauge({
    name: "openwop_run_active",
    help: "Runs this process is executing now.",
    registers: [this.registry],
  });
  readonly nodeCompleted = new Counter({
    name: "openwop_node_completed_total",
    help: "Nodes that completed or failed, by type and status.",
    labelNames: ["node_type", "status"] as const,
    registers: [this.registry],
  });
  readonly nodeDuration = new Histogram({
    name: "openwop_node_duration_seconds",
    help: "Node duration from node.started until it settled.",
    labelNames: ["node_type"] as const,
    buckets: [...NODE_DURATION_BUCKETS],
    registers: [this.registry],
  });
  readonly capExceeded = new Counter({
    name: "openwop_cap_exceeded_total",
    help: "Runs that breached a limit, by limit kind.",
    labelNames: ["cap_kind"] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: "openwop_queue_depth",
    help: "Runs waiting to execute (status pending), sampled from storage at most every few seconds.",
    registers: [this.registry],
  });
  readonly runBacklog = new Gauge({
    name: "openwop_run_backlog",
    help: "Runs not yet terminal, sampled from storage at most every few seconds.",
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: "openwop_http_requests_total",
    help: "HTTP requests answered, by status class.",
    labelNames: ["status_class"] as const,
    registers: [this.registry],
  });
  readonly httpInflight = new Gauge({
    name: "openwop_http_inflight",
    help: "HTTP requests in flight, open streams included.",
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: "openwop_auth_failures_total",
    help: "Requests refused for their credential, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly keysExpiringSoon = new Gauge({
    name: "openwop_keys_expiring_soon",
    help: "Active keys that expire within 7 days, by tenant, sampled from storage at most every few seconds.",
    labelNames: ["tenant"] as const,
    registers: [this.registry],
  });
  readonly keysLastRotation = new Gauge({
    name: "openwop_keys_last_rotation_timestamp_seconds",
    help: "When a key of the tenant was last rotated (Unix seconds).",
    labelNames: ["tenant"] as const,
    registers: [this.registry],
  });
  readonly keysLastRevocation = new Gauge({
    name: "openwop_keys_last_revocation_timestamp_seconds",
    help: "When a key of the tenant was last revoked (Unix seconds).",
    labelNames: ["tenant"] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: "openwop_webhook_attempts_total",
    help: "Webhook delivery attempts this process made, by outcome: delivered, failed (to be retried) or dead_lettered.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly webhookAttemptDuration = new Histogram({
    name: "openwop_webhook_attempt_duration_seconds",
    help: "One webhook attempt, from connecting to the receiver's answer.",
    labelNames: ["outcome"] as const,
    buckets: [...WEBHOOK_ATTEMPT_BUCKETS],
    registers: [this.registry],
  });
  readonly webhookWaiting = new Gauge({
    name: "openwop_webhook_deliveries_waiting",
    help: "Webhook deliveries waiting for an attempt (pending or to be retried), sampled from storage.",
    registers: [this.registry],
  });
  readonly webhookOldestWaitingAge = new Gauge({
    name: "openwop_webhook_oldest_waiting_age_seconds",
    help: "How long the oldest waiting webhook delivery has waited since its event; 0 when none waits.",
    registers: [this.registry],
  });
  readonly webhookDeadLetters = new Gauge({
    name: "openwop_webhook_dead_letters",
    help: "Webhook deliveries that ran out of attempts and wait for a replay.",
    registers: [this.registry],
  });
  readonly webhookOpenCircuits = new Gauge({
    name: "openwop_webhook_circuits_open",
    help: "Webhook subscriptions whose circuit is open (deliveries held back).",
    registers: [this.registry],
  });

  /** The text exposition (format 0.0.4, {@link contentType}) of every metric above. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The `Content-Type` of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
