/**
 * Measures the adapter alone on a throwaway server: how many 3-node runs per second it
 * stores with `--concurrency` runs in flight, each run being the storage work of the
 * engine's happy path (create, claim, start, one step per node, complete and release:
 * seven round trips of storage, five of them appending events). With `--subscriptions N`, the
 * runs' tenant has N webhook subscriptions to every event type they append, so each step also
 * records N deliveries per event (the outbox); by default it has none, the common case.
 *
 *   ../../pnpmw exec node --conditions=@openwop/source --experimental-transform-types --no-warnings \
 *     --import ./src/testing/resolve-ts.mjs scripts/throughput.ts [--runs 3000] [--concurrency 64] [--pool 10] \
 *     [--subscriptions 0]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { startPostgres } from "@openwop/pg-harness";
import type { NewRunEvent, StorageAdapter } from "@openwop/storage";
import { openPostgresAdapter } from "../src/open-adapter.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "64" },
    pool: { type: "string", default: "10" },
    subscriptions: { type: "string", default: "0" },
  },
});
const totalRuns = Number(values.runs);
const concurrency = Number(values.concurrency);
const poolSize = Number(values.pool);
const subscriptions = Number(values.subscriptions);
const EVENT_TYPES = ["run.created", "run.started", "node.started", "node.completed", "run.completed"];

const event = (type: string, nodeId?: string): NewRunEvent => ({
  type,
  payload: { at: Date.now(), nodeId: nodeId ?? null },
  timestamp: new Date().toISOString(),
  ...(nodeId ? { nodeId } : {}),
});

async function oneRun(adapter: StorageAdapter, latencies: number[]): Promise<void> {
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    latencies.push(performance.now() - started);
    return result;
  };
  const runId = `run-${randomUUID()}`;
  const now = new Date().toISOString();
  await timed(() =>
    adapter.createRun({
      run: {
        runId,
        tenantId: "bench",
        workflowId: "three-nodes",
        status: "pending",
        definition: { nodes: ["a", "b", "c"] },
        inputs: { n: 1 },
        variables: {},
        configurable: {},
        tags: [],
        metadata: {},
        currentNodeId: null,
        error: null,
        engineState: {},
        cancelRequested: false,
        createdAt: now,
        startedAt: null,
        completedAt: null,
        updatedAt: now,
      },
      events: [event("run.created")],
    }),
  );
  const claim = await timed(() => adapter.claimRun(runId, "bench-worker", 30_000, Date.now()));
  if (!claim) throw new Error("lost a claim nobody else wanted");
  const fence = { holderId: "bench-worker", epoch: claim.epoch };
  await timed(() =>
    adapter.commitStep({ runId, fence, events: [event("run.started")], patch: { status: "running", startedAt: now } }),
  );
  for (const node of ["a", "b", "c"]) {
    await timed(() =>
      adapter.commitStep({
        runId,
        fence,
        events: [event("node.started", node), event("node.completed", node)],
        patch: { currentNodeId: node, engineState: { done: node }, updatedAt: new Date().toISOString() },
      }),
    );
  }
  await timed(() =>
    adapter.commitStep({
      runId,
      fence,
      events: [event("run.completed")],
      patch: { status: "completed", completedAt: new Date().toISOString() },
      releaseClaim: true,
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const server = await startPostgres();
try {
  const adapter = await openPostgresAdapter({ connectionString: server.url, poolSize });
  for (let index = 0; index < subscriptions; index++) {
    const at = new Date().toISOString();
    await adapter.createSubscription({
      webhookId: `wh-bench-${index}`,
      tenantId: "bench",
      url: "https://receiver.example/bench",
      events: EVENT_TYPES,
      tags: [],
      signature: "v1",
      sealedSecret: "sealed",
      secretFingerprint: "00000000",
      status: "active",
      consecutiveFailures: 0,
      circuitOpenUntil: null,
      windowFailures: 0,
      failureWindowStartedAt: at,
      createdAt: at,
      updatedAt: at,
    });
  }
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < totalRuns) {
        next++;
        await oneRun(adapter, latencies);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await adapter.close();
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      runs: totalRuns,
      concurrency,
      poolSize,
      subscriptions,
      seconds: Number(seconds.toFixed(2)),
      runsPerSecond: Math.round(totalRuns / seconds),
      storageCallsPerSecond: Math.round(latencies.length / seconds),
      callLatencyMs: { p50: percentile(latencies, 50).toFixed(2), p99: percentile(latencies, 99).toFixed(2) },
    }),
  );
} finally {
  await server.stop();
}
