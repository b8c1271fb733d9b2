import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, type EngineTelemetry, type RunTerminalSummary } from "@openwop/core";
import type { StorageAdapter } from "@openwop/storage";
import { isTerminalStatus } from "@openwop/types";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** Records every report the engine makes, in order. */
class RecordingSink implements EngineTelemetry {
  readonly created: string[] = [];
  readonly terminal: RunTerminalSummary[] = [];
  readonly caps: string[] = [];
  started = 0;
  ended = 0;
  runCreated({ workflowId }: { workflowId: string }): void {
    this.created.push(workflowId);
  }
  executionStarted(): void {
    this.started += 1;
  }
  executionEnded(): void {
    this.ended += 1;
  }
  runTerminal(summary: RunTerminalSummary): void {
    this.terminal.push(summary);
  }
  nodeSettled(): void {}
  authFailed(): void {}
  webhookAttempted(): void {}
  capExceeded({ kind }: { kind: string }): void {
    this.caps.push(kind);
  }
  of(runId: string): RunTerminalSummary[] {
    return this.terminal.filter((summary) => summary.runId === runId);
  }
}

let dir: string;
let store: StorageAdapter;
let engine: Engine;
let sink: RecordingSink;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openwop-terminal-paths-"));
  store = openSqliteAdapter({ path: join(dir, "openwop.db") });
  sink = new RecordingSink();
  engine = new Engine({ store, telemetry: sink, pollIntervalMs: 50, claimTtlMs: 1_000, heartbeatIntervalMs: 100 });
});

afterEach(async () => {
  await engine.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function create(workflowId: string, correlationId: string, body: Record<string, unknown> = {}): Promise<string> {
  const outcome = await engine.createRun("tenant-a", { workflowId, ...body }, { origin: { correlationId } });
  if (outcome.replayed) throw new Error("a run created without an idempotency key was replayed");
  return outcome.run.runId;
}

async function settle(runId: string, status: string | ((status: string) => boolean) = isTerminalStatus): Promise<void> {
  const wanted = typeof status === "string" ? (s: string) => s === status : status;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const run = await store.getRun(runId);
    if (run && wanted(run.status)) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run?.status} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("every terminal path reports exactly once, with the creating request's correlation id", () => {
  it("completed, failed, timed out and over its node limit, when the worker finishes the run", async () => {
    engine.start();
    const completed = await create("conformance-noop", "corr-completed");
    const failed = await create("conformance-failure", "corr-failed");
    const timedOut = await create("conformance-delay", "corr-timeout", {
      inputs: { delayMs: 5_000 },
      configurable: { runTimeoutMs: 100 },
    });
    const overLimit = await create("conformance-cap-breach", "corr-limit", { configurable: { recursionLimit: 2 } });
    for (const runId of [completed, failed, timedOut, overLimit]) await settle(runId);

    expect(sink.of(completed)).toEqual([
      expect.objectContaining({
        tenantId: "tenant-a",
        workflowId: "conformance-noop",
        status: "completed",
        errorCode: null,
        correlationId: "corr-completed",
      }),
    ]);
    expect(sink.of(failed)).toEqual([
      expect.objectContaining({ status: "failed", errorCode: "node_failed", correlationId: "corr-failed" }),
    ]);
    expect(sink.of(timedOut)).toEqual([
      expect.objectContaining({ status: "failed", errorCode: "run_timeout", correlationId: "corr-timeout" }),
    ]);
    expect(sink.of(overLimit)).toEqual([
      expect.objectContaining({ status: "failed", errorCode: "recursion_limit_exceeded", correlationId: "corr-limit" }),
    ]);
    expect(sink.caps.sort()).toEqual(["node-executions", "run-duration"]);
    expect(sink.created).toHaveLength(4);
    for (const summary of sink.terminal) expect(summary.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("cancelled while executing here, while waiting on an interrupt, and while pending with no worker", async () => {
    const pending = await create("conformance-noop", "corr-pending");
    // No worker yet: nobody executes the run, so the cancel itself commits the terminal step.
    expect(await engine.cancelRun("tenant-a", pending)).toEqual({ runId: pending, status: "cancelled" });
    expect(sink.of(pending)).toEqual([
      expect.objectContaining({ status: "cancelled", errorCode: null, correlationId: "corr-pending", durationMs: 0 }),
    ]);

    engine.start();
    const executing = await create("conformance-cancellable", "corr-executing", { inputs: { delayMs: 30_000 } });
    const waiting = await create("conformance-approval", "corr-waiting");
    await settle(executing, "running");
    await settle(waiting, "waiting-approval");
    await engine.cancelRun("tenant-a", executing);
    await engine.cancelRun("tenant-a", waiting);
    await settle(executing);
    await settle(waiting);
    // A second cancel of a finished run changes nothing and reports nothing.
    await engine.cancelRun("tenant-a", waiting);

    expect(sink.of(executing)).toEqual([
      expect.objectContaining({ status: "cancelled", correlationId: "corr-executing" }),
    ]);
    expect(sink.of(waiting)).toEqual([expect.objectContaining({ status: "cancelled", correlationId: "corr-waiting" })]);
    expect(sink.terminal).toHaveLength(3);
  });

  it("pairs every execution start with an end, suspensions and stops included", async () => {
    engine.start();
    const waiting = await create("conformance-approval", "corr-a");
    const sleeping = await create("conformance-delay", "corr-b", { inputs: { delayMs: 30_000 } });
    await settle(waiting, "waiting-approval");
    await settle(sleeping, "running");
    await engine.stop();
    expect(sink.started).toBeGreaterThanOrEqual(2);
    expect(sink.ended).toBe(sink.started);
    expect(sink.terminal).toHaveLength(0);
  });
});
