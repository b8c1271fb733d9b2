import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpanStatusCode, metrics, trace } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "../host.js";
import { resolveHostSettings } from "../settings/host-settings.js";
import { bearer, request } from "../testing/http.js";
import { RunProbe } from "../testing/run-probe.js";
import { LogCapture } from "../testing/log-capture.js";

const API_KEY = `hk_test_otel_${randomBytes(8).toString("hex")}`;
const TERMINAL = ["completed", "failed", "cancelled"];

/** A reader collected on demand by the test instead of on a timer. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
const reader = new OnDemandReader();
const meterProvider = new MeterProvider({ readers: [reader] });
let dir: string;
let host: RunningHost;
let logs: LogCapture;
let probe: RunProbe;

beforeAll(async () => {
  // Registered before the host exists, as runHostMain does: meters are bound at creation.
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  dir = await mkdtemp(join(tmpdir(), "openwop-otel-"));
  logs = new LogCapture("silent");
  host = await startOpenWopHost({
    adapter: openSqliteAdapter({ path: join(dir, "openwop.db") }),
    implementation: { name: "otel-test", version: "0.0.0" },
    settings: resolveHostSettings({ apiKey: API_KEY }),
    app: { logger: logs.logger },
  });
  probe = new RunProbe(() => host.url, API_KEY);
});

afterAll(async () => {
  await host?.close();
  trace.disable();
  metrics.disable();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await rm(dir, { recursive: true, force: true });
});

const runSpans = (runId: string): ReadableSpan[] =>
  spans.getFinishedSpans().filter((span) => span.name === "openwop.run" && span.attributes["openwop.run_id"] === runId);

async function finishedRunSpans(runId: string, count: number): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 5_000;
  while (runSpans(runId).length < count) {
    if (Date.now() > deadline)
      throw new Error(`run ${runId} has ${runSpans(runId).length} finished openwop.run spans, wanted ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return runSpans(runId);
}

const childrenOf = (parent: ReadableSpan): ReadableSpan[] =>
  spans.getFinishedSpans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

describe("OpenTelemetry spans with a registered tracer provider", () => {
  it("records openwop.run under the creating request's trace, with a node span per node", async () => {
    const traceId = randomBytes(16).toString("hex");
    const parentSpanId = randomBytes(8).toString("hex");
    const created = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(API_KEY), traceparent: `00-${traceId}-${parentSpanId}-01` },
      body: { workflowId: "conformance-multi-node" },
    });
    expect(created.status, created.text).toBe(201);
    const runId = (created.json as { runId: string }).runId;
    expect(await probe.waitFor(runId, TERMINAL, 10_000)).toBe("completed");

    const [run] = await finishedRunSpans(runId, 1);
    expect(run?.spanContext().traceId).toBe(traceId);
    expect(run?.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(run?.attributes).toMatchObject({
      "openwop.run_id": runId,
      "openwop.workflow_id": "conformance-multi-node",
      "openwop.protocol_version": "1.0",
      "openwop.tenant_id": "default",
      "openwop.run_status": "completed",
    });
    expect(run?.status.code).toBe(SpanStatusCode.OK);

    const nodes = childrenOf(run as ReadableSpan);
    expect(nodes.map((span) => span.name)).toEqual([
      "openwop.node.core.noop",
      "openwop.node.core.noop",
      "openwop.node.core.noop",
    ]);
    expect(nodes.map((span) => span.attributes["openwop.node_id"])).toEqual(["a", "b", "c"]);
    for (const node of nodes) {
      expect(node.attributes).toMatchObject({
        "openwop.node_type": "core.noop",
        "openwop.node_attempt": 0,
        "openwop.run_id": runId,
      });
      expect(node.spanContext().traceId).toBe(traceId);
      expect(node.status.code).toBe(SpanStatusCode.OK);
    }
  });

  it("ends a failed run's spans in error with the error code", async () => {
    const runId = await probe.create("conformance-failure");
    expect(await probe.waitFor(runId, TERMINAL, 10_000)).toBe("failed");
    const [run] = await finishedRunSpans(runId, 1);
    expect(run?.status.code).toBe(SpanStatusCode.ERROR);
    expect(run?.attributes["openwop.error_code"]).toBe("node_failed");
    const [node] = childrenOf(run as ReadableSpan);
    expect(node?.name).toBe("openwop.node.core.fail");
    expect(node?.status.code).toBe(SpanStatusCode.ERROR);
    expect(node?.attributes["openwop.error_code"]).toBe("node_failed");
  });

  it("continues a run resumed after an interrupt in the trace its first execution started", async () => {
    const runId = await probe.create("conformance-approval");
    await probe.waitFor(runId, ["waiting-approval"], 10_000);
    const [first] = await finishedRunSpans(runId, 1);
    expect(first?.attributes["openwop.run_status"]).toBe("waiting-approval");
    expect(first?.status.code).toBe(SpanStatusCode.UNSET);
    const resolved = await request(host.url, `/v1/runs/${runId}/interrupts/gate`, {
      method: "POST",
      headers: bearer(API_KEY),
      body: { resumeValue: { action: "accept" } },
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(await probe.waitFor(runId, TERMINAL, 10_000)).toBe("completed");
    const [, second] = await finishedRunSpans(runId, 2);
    expect(second?.spanContext().traceId).toBe(first?.spanContext().traceId);
    expect(second?.parentSpanContext?.spanId).toBe(first?.spanContext().spanId);
    expect(second?.status.code).toBe(SpanStatusCode.OK);
  });
});

describe("OpenTelemetry metrics with a registered meter provider", () => {
  it("records the openwop.* instruments, never with a run id", async () => {
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, TERMINAL, 10_000);
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const all: MetricData[] = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const byName = new Map(all.map((metric) => [metric.descriptor.name, metric]));
    for (const name of [
      "openwop.run.created",
      "openwop.run.completed",
      "openwop.run.duration",
      "openwop.run.active",
      "openwop.node.completed",
      "openwop.node.duration",
      "openwop.queue.depth",
      "openwop.run.backlog",
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
    const completed = byName.get("openwop.run.completed")?.dataPoints ?? [];
    expect(
      completed.some(
        (p) =>
          p.attributes["openwop.workflow_id"] === "conformance-noop" &&
          p.attributes["openwop.run_status"] === "completed",
      ),
    ).toBe(true);
    expect(byName.get("openwop.run.duration")?.descriptor.unit).toBe("s");
    for (const metric of all)
      for (const point of metric.dataPoints) expect(Object.keys(point.attributes)).not.toContain("openwop.run_id");
  });
});
