import { Gauge, Registry, register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { NODE_DURATION_BUCKETS, RUN_DURATION_BUCKETS } from "./buckets.js";
import type { RunTerminalSummary } from "@openwop/core";
import { metricsSink } from "./metrics-sink.js";
import type { OtelInstruments } from "./otel-instruments.js";
import { PrometheusMetrics } from "./prometheus-metrics.js";

/** OpenTelemetry instruments that record nothing: these tests read the Prometheus side only. */
const silentOtel = new Proxy({} as OtelInstruments, { get: () => ({ add() {}, record() {} }) });

function terminal(status: RunTerminalSummary["status"], durationMs: number): RunTerminalSummary {
  return { runId: "r", tenantId: "t", workflowId: "w", status, errorCode: null, correlationId: null, durationMs };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

/** Label values as the text format spells them, unescaped. */
function unescapeLabelValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** The sample lines of an exposition, labels as a record so that their order does not matter. */
function samples(exposition: string): Sample[] {
  const result: Sample[] = [];
  for (const line of exposition.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[name as string] = unescapeLabelValue(value as string);
    result.push({ name: match[1] as string, labels, value: match[3] as string });
  }
  return result;
}

/** The samples of one metric family whose labels include `labels`. */
function series(exposition: string, name: string, labels: Record<string, string> = {}): Sample[] {
  return samples(exposition).filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
}

/** The cumulative `_bucket` samples of a histogram series, then its `_sum` and `_count`. */
function histogram(exposition: string, name: string, labels: Record<string, string>) {
  return {
    buckets: series(exposition, `${name}_bucket`, labels).map((s) => [s.labels["le"], Number(s.value)]),
    sum: series(exposition, `${name}_sum`, labels).map((s) => Number(s.value)),
    count: series(exposition, `${name}_count`, labels).map((s) => Number(s.value)),
  };
}

describe("the Prometheus exposition", () => {
  it("declares every documented metric once, with its help text and type, in this order", async () => {
    const text = await new PrometheusMetrics().render();
    expect(text.split("\n").filter((line) => line.startsWith("#"))).toEqual([
      "# HELP openwop_run_created_total Runs created.",
      "# TYPE openwop_run_created_total counter",
      "# HELP openwop_run_completed_total Runs that reached a terminal status, by status.",
      "# TYPE openwop_run_completed_total counter",
      "# HELP openwop_run_duration_seconds Run duration from run.started to the terminal event.",
      "# TYPE openwop_run_duration_seconds histogram",
      "# HELP openwop_run_active Runs this process is executing now.",
      "# TYPE openwop_run_active gauge",
      "# HELP openwop_node_completed_total Nodes that completed or failed, by type and status.",
      "# TYPE openwop_node_completed_total counter",
      "# HELP openwop_node_duration_seconds Node duration from node.started until it settled.",
      "# TYPE openwop_node_duration_seconds histogram",
      "# HELP openwop_cap_exceeded_total Runs that breached a limit, by limit kind.",
      "# TYPE openwop_cap_exceeded_total counter",
      "# HELP openwop_queue_depth Runs waiting to execute (status pending), sampled from storage at most every few seconds.",
      "# TYPE openwop_queue_depth gauge",
      "# HELP openwop_run_backlog Runs not yet terminal, sampled from storage at most every few seconds.",
      "# TYPE openwop_run_backlog gauge",
      "# HELP openwop_http_requests_total HTTP requests answered, by status class.",
      "# TYPE openwop_http_requests_total counter",
      "# HELP openwop_http_inflight HTTP requests in flight, open streams included.",
      "# TYPE openwop_http_inflight gauge",
      "# HELP openwop_auth_failures_total Requests refused for their credential, by reason.",
      "# TYPE openwop_auth_failures_total counter",
      "# HELP openwop_keys_expiring_soon Active keys that expire within 7 days, by tenant, sampled from storage at most every few seconds.",
      "# TYPE openwop_keys_expiring_soon gauge",
      "# HELP openwop_keys_last_rotation_timestamp_seconds When a key of the tenant was last rotated (Unix seconds).",
      "# TYPE openwop_keys_last_rotation_timestamp_seconds gauge",
      "# HELP openwop_keys_last_revocation_timestamp_seconds When a key of the tenant was last revoked (Unix seconds).",
      "# TYPE openwop_keys_last_revocation_timestamp_seconds gauge",
      "# HELP openwop_webhook_attempts_total Webhook delivery attempts this process made, by outcome: delivered, failed (to be retried) or dead_lettered.",
      "# TYPE openwop_webhook_attempts_total counter",
      "# HELP openwop_webhook_attempt_duration_seconds One webhook attempt, from connecting to the receiver's answer.",
      "# TYPE openwop_webhook_attempt_duration_seconds histogram",
      "# HELP openwop_webhook_deliveries_waiting Webhook deliveries waiting for an attempt (pending or to be retried), sampled from storage.",
      "# TYPE openwop_webhook_deliveries_waiting gauge",
      "# HELP openwop_webhook_oldest_waiting_age_seconds How long the oldest waiting webhook delivery has waited since its event; 0 when none waits.",
      "# TYPE openwop_webhook_oldest_waiting_age_seconds gauge",
      "# HELP openwop_webhook_dead_letters Webhook deliveries that ran out of attempts and wait for a replay.",
      "# TYPE openwop_webhook_dead_letters gauge",
      "# HELP openwop_webhook_circuits_open Webhook subscriptions whose circuit is open (deliveries held back).",
      "# TYPE openwop_webhook_circuits_open gauge",
    ]);
    // Before any work: the unlabeled gauges read 0 and no labeled series exists yet.
    expect(samples(text)).toEqual(
      [
        "openwop_run_active",
        "openwop_queue_depth",
        "openwop_run_backlog",
        "openwop_http_inflight",
        "openwop_webhook_deliveries_waiting",
        "openwop_webhook_oldest_waiting_age_seconds",
        "openwop_webhook_dead_letters",
        "openwop_webhook_circuits_open",
      ].map((name) => ({
        name,
        labels: {},
        value: "0",
      })),
    );
    expect(text.endsWith("\n")).toBe(true);
  });

  it("is the text format 0.0.4", () => {
    expect(new PrometheusMetrics().contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("counts per label set, escaping label values, and a counter never goes down", async () => {
    const metrics = new PrometheusMetrics();
    const sink = metricsSink(metrics, silentOtel);
    const odd = 'quote"back\\slash\nline';
    sink.runCreated({ workflowId: "a" });
    sink.runCreated({ workflowId: "a" });
    sink.runCreated({ workflowId: odd });
    metrics.httpRequests.inc({ status_class: "2xx" }, 2);
    expect(() => metrics.httpRequests.inc({ status_class: "2xx" }, -5)).toThrow();
    const text = await metrics.render();
    expect(series(text, "openwop_run_created_total")).toEqual([
      { name: "openwop_run_created_total", labels: { workflow_id: "a" }, value: "2" },
      { name: "openwop_run_created_total", labels: { workflow_id: odd }, value: "1" },
    ]);
    expect(text).toContain('openwop_run_created_total{workflow_id="quote\\"back\\\\slash\\nline"} 1\n');
    expect(series(text, "openwop_http_requests_total")).toEqual([
      { name: "openwop_http_requests_total", labels: { status_class: "2xx" }, value: "2" },
    ]);
  });

  it("escapes backslashes and newlines in help texts", async () => {
    const registry = new Registry();
    new Gauge({ name: "escaped", help: "Line one.\nBack\\slash.", registers: [registry] });
    expect((await registry.metrics()).split("\n")[0]).toBe("# HELP escaped Line one.\\nBack\\\\slash.");
  });

  it("keeps gauges up and down, and fills cumulative buckets with +Inf, sum and count", async () => {
    const metrics = new PrometheusMetrics();
    const sink = metricsSink(metrics, silentOtel);
    sink.executionStarted();
    sink.executionStarted();
    sink.executionEnded();
    metrics.queueDepth.set(3);
    metrics.runBacklog.set(6);
    for (const [durationMs, status] of [
      [200, "completed"],
      [500, "completed"],
      [700, "completed"],
      [3_000_000_000, "completed"],
      [7_000, "failed"],
    ] as const)
      sink.runTerminal(terminal(status, durationMs));
    for (const durationMs of [0, 1, 3, 70, 2_500, 100_000])
      sink.nodeSettled({ nodeType: "core.noop", status: "completed", durationMs });
    sink.nodeSettled({ nodeType: "core.fail", status: "failed", durationMs: 12 });
    const text = await metrics.render();

    expect(series(text, "openwop_run_active")[0]?.value).toBe("1");
    expect(series(text, "openwop_queue_depth")[0]?.value).toBe("3");
    expect(series(text, "openwop_run_backlog")[0]?.value).toBe("6");
    const le = (bounds: readonly number[]) => [...bounds.map(String), "+Inf"];
    const completed = histogram(text, "openwop_run_duration_seconds", { workflow_id: "w", status: "completed" });
    expect(completed.buckets.map(([bound]) => bound)).toEqual(le(RUN_DURATION_BUCKETS));
    expect(completed.buckets.map(([, count]) => count)).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4]);
    expect(completed.sum[0]).toBeCloseTo(3_000_001.4);
    expect(completed.count).toEqual([4]);
    const failed = histogram(text, "openwop_run_duration_seconds", { workflow_id: "w", status: "failed" });
    expect(failed.buckets.map(([, count]) => count)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(failed).toMatchObject({ sum: [7], count: [1] });
    expect(series(text, "openwop_run_completed_total", { status: "completed" })[0]?.value).toBe("4");

    const noop = histogram(text, "openwop_node_duration_seconds", { node_type: "core.noop" });
    expect(noop.buckets.map(([bound]) => bound)).toEqual(le(NODE_DURATION_BUCKETS));
    expect(noop.buckets.map(([, count]) => count)).toEqual([2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 6]);
    expect(noop.sum[0]).toBeCloseTo(102.574);
    expect(noop.count).toEqual([6]);
    // The node histogram is labeled by type only; the counter by type and status.
    expect(series(text, "openwop_node_duration_seconds_count").map((s) => s.labels)).toEqual([
      { node_type: "core.noop" },
      { node_type: "core.fail" },
    ]);
    expect(series(text, "openwop_node_completed_total").map((s) => [s.labels, s.value])).toEqual([
      [{ node_type: "core.noop", status: "completed" }, "6"],
      [{ node_type: "core.fail", status: "failed" }, "1"],
    ]);
  });

  it("leaves a duration that could not be measured out of the histogram, and still counts the run", async () => {
    const metrics = new PrometheusMetrics();
    const sink = metricsSink(metrics, silentOtel);
    sink.runTerminal(terminal("completed", Number.NaN));
    sink.nodeSettled({ nodeType: "core.noop", status: "completed", durationMs: Number.NaN });
    const text = await metrics.render();
    expect(series(text, "openwop_run_completed_total")[0]?.value).toBe("1");
    expect(series(text, "openwop_node_completed_total")[0]?.value).toBe("1");
    expect(series(text, "openwop_run_duration_seconds_count")).toEqual([]);
    expect(series(text, "openwop_node_duration_seconds_count")).toEqual([]);
  });

  it("keeps each instance's figures in its own registry, never in prom-client's global one", async () => {
    const first = new PrometheusMetrics();
    const second = new PrometheusMetrics();
    first.capExceeded.inc({ cap_kind: "node-executions" });
    expect(series(await first.render(), "openwop_cap_exceeded_total")).toHaveLength(1);
    expect(series(await second.render(), "openwop_cap_exceeded_total")).toEqual([]);
    expect(globalRegistry.getSingleMetric("openwop_cap_exceeded_total")).toBeUndefined();
  });

  it("refuses two metrics under one name", () => {
    const metrics = new PrometheusMetrics();
    expect(() => new Gauge({ name: "openwop_run_active", help: "Again.", registers: [metrics.registry] })).toThrow(
      /already been registered/,
    );
  });
});
