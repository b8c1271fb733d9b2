/**
 * The peer: DBOS Transact running the equivalent of the bench chain (a workflow of three
 * checkpointed no-op steps) on its own database of the same Postgres server, driven by
 * the same closed loop as the ceiling. DBOS is a library, so there is no HTTP here: this
 * is DBOS's in-process figure, comparable to our in-process ceiling and, with the HTTP
 * cost on our side only, to our host.
 */
import { closedLoop } from "../closed-loop.js";
import { announceMeasuring, readWorkerConfig, reportAndIdle } from "./protocol.js";

export interface PeerConfig {
  databaseUrl: string;
  runs: number;
  clients: number;
  warmup: number;
  /** `call`: invoke the workflow and await it; `start`: startWorkflow, then await the handle's result. */
  mode: "call" | "start";
}

const config = readWorkerConfig<PeerConfig>();
// A devDependency, loaded only here: the bench reports "not measured" when it is missing.
const { DBOS } = await import("@dbos-inc/dbos-sdk");

DBOS.setConfig({ name: "openwop-bench-peer", systemDatabaseUrl: config.databaseUrl, logLevel: "error" });

const step = (name: string, value: number): Promise<number> => DBOS.runStep(async () => value + 1, { name });
const chain = DBOS.registerWorkflow(
  async (input: number): Promise<number> => {
    const a = await step("a", input);
    const b = await step("b", a);
    return step("c", b);
  },
  { name: "benchChain" },
);

await DBOS.launch();

const result = await closedLoop(
  { runs: config.runs, clients: config.clients, warmup: config.warmup, onMeasuredPhaseStart: announceMeasuring },
  async (_client, index) => {
    const started = performance.now();
    if (config.mode === "call") {
      const output = await chain(index);
      return { createMs: performance.now() - started, completed: output === index + 3 };
    }
    const handle = await DBOS.startWorkflow(chain)(index);
    const createMs = performance.now() - started;
    const output = await handle.getResult();
    return { createMs, completed: output === index + 3 };
  },
);

reportAndIdle({ ...result, mode: config.mode }, () => DBOS.shutdown());
