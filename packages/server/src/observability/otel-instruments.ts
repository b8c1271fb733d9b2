import { metrics, type Counter, type Histogram, type UpDownCounter } from "@opentelemetry/api";
import { NODE_DURATION_BUCKETS, RUN_DURATION_BUCKETS, WEBHOOK_ATTEMPT_BUCKETS } from "./buckets.js";
import type { QueueSampler } from "./queue-sampler.js";

const METER_NAME = "@openwop/server";

/**
 * The `openwop.*` instruments of observability.md §4.1 on the global OpenTelemetry meter.
 * Without a registered SDK the meter is a no-op, so recording costs nothing and the queue
 * gauges' callbacks are never called. Create this after the SDK starts: a meter obtained
 * before registration stays a no-op.
 */
export class OtelInstruments {
  readonly runCreated: Counter;
  readonly runCompleted: Counter;
  readonly runDuration: Histogram;
  readonly runActive: UpDownCounter;
  readonly nodeCompleted: Counter;
  readonly nodeDuration: Histogram;
  readonly capExceeded: Counter;
  readonly authFailures: Counter;
  readonly webhookAttempts: Counter;
  readonly webhookAttemptDuration: Histogram;

  constructor(queue: QueueSampler, version?: string) {
    const meter = metrics.getMeter(METER_NAME, version);
    this.runCreated = meter.createCounter("openwop.run.created", { unit: "{run}", description: "Runs created." });
    this.runCompleted = meter.createCounter("openwop.run.completed", {
      unit: "{run}",
      description: "Runs that reached a terminal status.",
    });
    this.runDuration = meter.createHistogram("openwop.run.duration", {
      unit: "s",
      description: "Run duration from run.started to the terminal event.",
      advice: { explicitBucketBoundaries: [...RUN_DURATION_BUCKETS] },
    });
    this.runActive = meter.createUpDownCounter("openwop.run.active", {
      unit: "{run}",
      description: "Runs this process is executing.",
    });
    this.nodeCompleted = meter.createCounter("openwop.node.completed", {
      unit: "{node}",
      description: "Nodes that completed or failed.",
    });
    this.nodeDuration = meter.createHistogram("openwop.node.duration", {
      unit: "s",
      description: "Node duration from node.started until it settled.",
      advice: { explicitBucketBoundaries: [...NODE_DURATION_BUCKETS] },
    });
    this.capExceeded = meter.createCounter("openwop.cap.exceeded", {
      unit: "{breach}",
      description: "Runs that breached a limit.",
    });
    this.authFailures = meter.createCounter("openwop.auth.failures", {
      unit: "{request}",
      description: "Requests refused for their credential.",
    });
    this.webhookAttempts = meter.createCounter("openwop.webhook.attempts", {
      unit: "{attempt}",
      description: "Webhook delivery attempts, by outcome.",
    });
    this.webhookAttemptDuration = meter.createHistogram("openwop.webhook.attempt.duration", {
      unit: "s",
      description: "One webhook attempt, from connecting to the receiver's answer.",
      advice: { explicitBucketBoundaries: [...WEBHOOK_ATTEMPT_BUCKETS] },
    });
    const depth = meter.createObservableGauge("openwop.queue.depth", {
      unit: "{run}",
      description: "Runs waiting to execute (pending).",
    });
    const backlog = meter.createObservableGauge("openwop.run.backlog", {
      unit: "{run}",
      description: "Runs not yet terminal.",
    });
    meter.addBatchObservableCallback(
      async (result) => {
        const sample = await queue.read();
        result.observe(depth, sample.pending);
        result.observe(backlog, sample.backlog);
      },
      [depth, backlog],
    );
  }
}
