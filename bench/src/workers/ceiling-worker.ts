/**
 * The ceiling: the bench's three-node chain driven straight through the engine and a
 * storage adapter in this one process, with no HTTP. Each client creates a run with
 * `engine.createRun` and waits for its terminal event through the store's subscription
 * (`engine.subscribe`, which reads the log the same way the SSE route does).
 */
import { Engine } from "@openwop/core";
import type { StorageAdapter } from "@openwop/storage";
import { isTerminalEventType } from "@openwop/types";
import { openPostgresAdapter } from "@openwop/storage-postgres";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { closedLoop } from "../closed-loop.js";
import { CHAIN_WORKFLOW } from "../workflows.js";
import { announceMeasuring, readWorkerConfig, reportAndIdle } from "./protocol.js";

export interface CeilingConfig {
  storage: "sqlite" | "postgres";
  sqlitePath?: string;
  databaseUrl?: string;
  runs: number;
  clients: number;
  warmup: number;
}

const config = readWorkerConfig<CeilingConfig>();

async function openStorage(): Promise<StorageAdapter> {
  if (config.storage === "sqlite") return openSqliteAdapter({ path: config.sqlitePath as string });
  return openPostgresAdapter({
    connectionString: config.databaseUrl as string,
    applicationName: "openwop-bench-ceiling",
  });
}

function untilTerminal(engine: Engine, runId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | undefined;
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      stop?.();
      outcome();
    };
    stop = engine.subscribe(
      "default",
      runId,
      0,
      (event) => {
        if (isTerminalEventType(event.type)) finish(() => resolve(event.type));
      },
      (error) => finish(() => reject(error)),
    );
    // The subscription may have delivered the terminal event before `stop` was assigned.
    if (settled) stop();
  });
}

const store = await openStorage();
const engine = new Engine({ store });
engine.catalog.register(CHAIN_WORKFLOW);
engine.start();

const result = await closedLoop(
  { runs: config.runs, clients: config.clients, warmup: config.warmup, onMeasuredPhaseStart: announceMeasuring },
  async () => {
    const started = performance.now();
    const created = await engine.createRun("default", { workflowId: CHAIN_WORKFLOW.id, inputs: {} });
    const createMs = performance.now() - started;
    // No idempotency key was sent, so the outcome is always a new run.
    const runId = created.replayed ? "" : created.run.runId;
    const terminal = await untilTerminal(engine, runId);
    return { createMs, completed: terminal === "run.completed" };
  },
);

reportAndIdle(result, async () => {
  await engine.stop();
  await store.close();
});
