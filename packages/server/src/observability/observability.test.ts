import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StorageAdapter } from "@openwop/storage";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "../host.js";
import { resolveHostSettings } from "../settings/host-settings.js";
import { bearer, request } from "../testing/http.js";
import { RunProbe } from "../testing/run-probe.js";
import { collectUntilClosed, openSse } from "../testing/sse.js";
import { LogCapture, type LogRecord } from "../testing/log-capture.js";

const implementation = { name: "observability-test", version: "0.0.0" };
const TERMINAL = ["completed", "failed", "cancelled"];

/** Planted so that a test can prove they never reach a log line. */
const API_KEY = `hk_test_obs_${randomBytes(12).toString("hex")}`;
const IDEMPOTENCY_KEY = `idem-secret-${randomBytes(12).toString("hex")}`;
const SENSITIVE_VALUE = `sensitive-${randomBytes(12).toString("hex")}`;

let dir: string;
const hosts: RunningHost[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openwop-observability-"));
});

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await rm(dir, { recursive: true, force: true });
});

async function startHost(
  logs: LogCapture,
  wrap: (adapter: StorageAdapter) => StorageAdapter = (a) => a,
): Promise<RunningHost> {
  const host = await startOpenWopHost({
    adapter: wrap(openSqliteAdapter({ path: join(dir, "openwop.db") })),
    implementation,
    settings: resolveHostSettings({ apiKey: API_KEY, claimTtlMs: 1_000, heartbeatIntervalMs: 200 }),
    app: { logger: logs.logger },
  });
  hosts.push(host);
  return host;
}

/** Creates a run over HTTP and returns its id with the response's correlation id. */
async function createRun(
  host: RunningHost,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ runId: string; correlationId: string }> {
  const created = await request(host.url, "/v1/runs", {
    method: "POST",
    headers: { ...bearer(API_KEY), ...headers },
    body,
  });
  expect(created.status, created.text).toBe(201);
  return {
    runId: (created.json as { runId: string }).runId,
    correlationId: created.headers.get("x-correlation-id") as string,
  };
}

function expectTerminalRecord(record: LogRecord, expected: Record<string, unknown>): void {
  expect(record).toMatchObject({ msg: "run.terminal", event: "run.terminal", tenantId: "default", ...expected });
  for (const field of ["runId", "tenantId", "status", "errorCode", "correlationId", "workflowId", "durationMs"])
    expect(record).toHaveProperty(field);
  expect(typeof record["durationMs"]).toBe("number");
  expect(typeof record["time"]).toBe("string");
}

describe("structured logs over a real socket on SQLite", () => {
  it("writes exactly one run.terminal record per run, naming the request that created it", async () => {
    const logs = new LogCapture();
    const host = await startHost(logs);
    const probe = new RunProbe(() => host.url, API_KEY);

    const completed = await createRun(host, { workflowId: "conformance-noop" }, { "idempotency-key": IDEMPOTENCY_KEY });
    const failed = await createRun(host, { workflowId: "conformance-failure" });
    const running = await createRun(host, { workflowId: "conformance-cancellable", inputs: { delayMs: 30_000 } });
    const waiting = await createRun(host, { workflowId: "conformance-approval" });
    const traceId = randomBytes(16).toString("hex");
    const traced = await createRun(
      host,
      { workflowId: "conformance-noop" },
      { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` },
    );

    await probe.waitForEvent(running.runId, "node.started", 10_000);
    await probe.waitFor(waiting.runId, ["waiting-approval"], 10_000);
    // One cancel stops an executing run (it cancels itself); the other cancels a run nobody executes.
    for (const { runId } of [running, waiting]) {
      const cancel = await request(host.url, `/v1/runs/${runId}/cancel`, {
        method: "POST",
        headers: bearer(API_KEY),
        body: {},
      });
      expect(cancel.status, cancel.text).toBe(200);
    }
    const snapshots = new Map<string, Record<string, unknown>>();
    for (const { runId } of [completed, failed, running, waiting, traced])
      snapshots.set(runId, await probe.waitForSnapshot(runId, TERMINAL, 10_000));
    for (const { runId } of [completed, failed, running, waiting, traced])
      await logs.waitFor((r) => r["event"] === "run.terminal" && r["runId"] === runId);

    expect(snapshots.get(failed.runId)?.["status"]).toBe("failed");
    const failureCode = (snapshots.get(failed.runId)?.["error"] as { code: string } | undefined)?.code;
    const expectations: Array<[typeof completed, Record<string, unknown>]> = [
      [completed, { status: "completed", errorCode: null, workflowId: "conformance-noop", level: "info" }],
      [failed, { status: "failed", errorCode: failureCode, workflowId: "conformance-failure", level: "warn" }],
      [running, { status: "cancelled", errorCode: null, workflowId: "conformance-cancellable" }],
      [waiting, { status: "cancelled", errorCode: null, workflowId: "conformance-approval" }],
      [traced, { status: "completed", errorCode: null }],
    ];
    for (const [run, expected] of expectations) {
      const records = logs.terminal(run.runId);
      expect(records, `terminal records of ${run.runId}`).toHaveLength(1);
      expectTerminalRecord(records[0] as LogRecord, {
        ...expected,
        runId: run.runId,
        correlationId: run.correlationId,
      });
    }
    // With a traceparent, the correlation id is its trace id, in the header and in the record.
    expect(traced.correlationId).toBe(traceId);
  });

  it("logs one line per finished request with its correlation id and tenant, and never a secret", async () => {
    const logs = new LogCapture();
    const host = await startHost(logs);
    const probe = new RunProbe(() => host.url, API_KEY);
    const created = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(API_KEY), "idempotency-key": IDEMPOTENCY_KEY },
      body: { workflowId: "conformance-identity", inputs: { payload: { token: SENSITIVE_VALUE } } },
    });
    expect(created.status, created.text).toBe(201);
    const runId = (created.json as { runId: string }).runId;
    await probe.waitFor(runId, TERMINAL, 10_000);
    const replay = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(API_KEY), "idempotency-key": IDEMPOTENCY_KEY },
      body: { workflowId: "conformance-identity", inputs: { payload: { token: SENSITIVE_VALUE } } },
    });
    expect(replay.status).toBe(201);
    const poll = await request(host.url, `/v1/runs/${runId}/events/poll?since=0&note=${SENSITIVE_VALUE}`, {
      headers: bearer(API_KEY),
    });
    expect(poll.status).toBe(200);
    const unauthenticated = await request(host.url, `/v1/runs/${runId}`, { headers: bearer(`${API_KEY}-wrong`) });
    expect(unauthenticated.status).toBe(401);
    // An SSE stream of a finished run closes after the backlog; its line is written at that close.
    const stream = await openSse(`${host.url}/v1/runs/${runId}/events`, bearer(API_KEY));
    const frames = await collectUntilClosed(stream, 5_000);
    expect(frames.at(-1)?.event).toBe("run.completed");
    const sseCorrelation = stream.headers.get("x-correlation-id") as string;
    const sseLine = await logs.waitFor((r) => r["event"] === "http.request" && r["correlationId"] === sseCorrelation);
    expect(sseLine).toMatchObject({ method: "GET", route: "/v1/runs/:runId/events", status: 200, tenantId: "default" });

    const lines = logs.withEvent("http.request");
    const postLine = lines.find((r) => r["correlationId"] === created.headers.get("x-correlation-id"));
    expect(postLine).toMatchObject({
      level: "info",
      method: "POST",
      path: "/v1/runs",
      route: "/v1/runs",
      status: 201,
      tenantId: "default",
    });
    expect(typeof postLine?.["durationMs"]).toBe("number");
    const pollLine = lines.find((r) => r["correlationId"] === poll.headers.get("x-correlation-id"));
    expect(pollLine).toMatchObject({
      path: `/v1/runs/${runId}/events/poll`,
      route: "/v1/runs/:runId/events/poll",
      status: 200,
    });
    const deniedLine = lines.find((r) => r["correlationId"] === unauthenticated.headers.get("x-correlation-id"));
    expect(deniedLine).toMatchObject({ status: 401 });
    expect(deniedLine).not.toHaveProperty("tenantId");
    for (const line of lines) expect(typeof line["correlationId"]).toBe("string");

    const everything = logs.lines.join("\n");
    expect(everything).toContain(runId);
    for (const secret of [API_KEY, IDEMPOTENCY_KEY, SENSITIVE_VALUE, "Bearer", "authorization"])
      expect(everything).not.toContain(secret);
  });

  it("logs a 500 under the correlation id its envelope carries", async () => {
    const logs = new LogCapture();
    const broken = `run-${randomBytes(8).toString("hex")}`;
    // A real adapter whose read of one run fails with a plain Error, as a storage bug would.
    const host = await startHost(
      logs,
      (adapter) =>
        new Proxy(adapter, {
          get(target, property) {
            if (property === "getRun") {
              return async (runId: string) => {
                if (runId === broken) throw new Error("the row could not be decoded");
                return target.getRun(runId);
              };
            }
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        }),
    );
    const answer = await request(host.url, `/v1/runs/${broken}`, { headers: bearer(API_KEY) });
    expect(answer.status).toBe(500);
    const envelope = answer.json as { error: string; details: { correlationId: string } };
    expect(envelope.error).toBe("internal_error");
    const correlationId = envelope.details.correlationId;
    expect(answer.headers.get("x-correlation-id")).toBe(correlationId);

    const requestLine = await logs.waitFor((r) => r["event"] === "http.request" && r["status"] === 500);
    expect(requestLine).toMatchObject({
      level: "error",
      correlationId,
      errorCode: "internal_error",
      route: "/v1/runs/:runId",
    });
    const errorRecord = logs.withEvent("http.error")[0];
    expect(errorRecord).toMatchObject({
      level: "error",
      correlationId,
      errorCode: "internal_error",
      err: { message: "the row could not be decoded" },
    });
    // Every record about the failed request carries its correlation id.
    for (const record of logs.records().filter((r) => r["path"] === `/v1/runs/${broken}`))
      expect(record["correlationId"]).toBe(correlationId);
  });

  it("names the creating request in the terminal record of a run another host finished after a restart", async () => {
    const first = new LogCapture();
    const hostA = await startHost(first);
    const traceId = randomBytes(16).toString("hex");
    const run = await createRun(
      hostA,
      { workflowId: "conformance-delay", inputs: { delayMs: 1_500 } },
      { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` },
    );
    await new RunProbe(() => hostA.url, API_KEY).waitForEvent(run.runId, "node.started", 10_000);
    await hostA.close();
    hosts.splice(hosts.indexOf(hostA), 1);

    const second = new LogCapture();
    const hostB = await startHost(second);
    expect(await new RunProbe(() => hostB.url, API_KEY).waitFor(run.runId, TERMINAL, 15_000)).toBe("completed");
    const record = await second.waitFor((r) => r["event"] === "run.terminal" && r["runId"] === run.runId);
    expectTerminalRecord(record, { runId: run.runId, status: "completed", errorCode: null, correlationId: traceId });
    expect(first.terminal(run.runId)).toHaveLength(0);
    expect(second.terminal(run.runId)).toHaveLength(1);
  });
});

/** One sample's value from a Prometheus exposition, or undefined when the series is absent. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("serves Prometheus text without a key, and its run and HTTP counters move with the work", async () => {
    const host = await startHost(new LogCapture("silent"));
    const probe = new RunProbe(() => host.url, API_KEY);
    const before = await request(host.url, "/metrics");
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.text).toContain("# TYPE openwop_run_created_total counter");
    expect(sample(before.text, "openwop_queue_depth")).toBe(0);

    const runIds = [
      await probe.create("conformance-noop"),
      await probe.create("conformance-noop"),
      await probe.create("conformance-failure"),
    ];
    for (const runId of runIds) await probe.waitFor(runId, TERMINAL, 10_000);
    const after = (await request(host.url, "/metrics")).text;

    expect(sample(after, 'openwop_run_created_total{workflow_id="conformance-noop"}')).toBe(2);
    expect(sample(after, 'openwop_run_created_total{workflow_id="conformance-failure"}')).toBe(1);
    expect(sample(after, 'openwop_run_completed_total{workflow_id="conformance-noop",status="completed"}')).toBe(2);
    expect(sample(after, 'openwop_run_completed_total{workflow_id="conformance-failure",status="failed"}')).toBe(1);
    expect(sample(after, 'openwop_run_duration_seconds_count{workflow_id="conformance-noop",status="completed"}')).toBe(
      2,
    );
    expect(sample(after, 'openwop_node_completed_total{node_type="core.noop",status="completed"}')).toBe(2);
    expect(sample(after, 'openwop_node_completed_total{node_type="core.fail",status="failed"}')).toBe(1);
    expect(sample(after, "openwop_run_active")).toBe(0);
    expect(sample(after, 'openwop_http_requests_total{status_class="2xx"}')).toBeGreaterThan(
      sample(before.text, 'openwop_http_requests_total{status_class="2xx"}') ?? 0,
    );
    // The scrape in progress is in flight itself.
    expect(sample(after, "openwop_http_inflight")).toBeGreaterThanOrEqual(1);
    expect(sample(after, "openwop_queue_depth")).toBeDefined();
    for (const runId of runIds) expect(after).not.toContain(runId);
  });

  it("counts limits breached", async () => {
    const host = await startHost(new LogCapture("silent"));
    const probe = new RunProbe(() => host.url, API_KEY);
    const runId = await probe.create("conformance-cap-breach", {}, { configurable: { recursionLimit: 3 } });
    expect(await probe.waitFor(runId, TERMINAL, 10_000)).toBe("failed");
    const text = (await request(host.url, "/metrics")).text;
    expect(sample(text, 'openwop_cap_exceeded_total{cap_kind="node-executions"}')).toBe(1);
  });
});
