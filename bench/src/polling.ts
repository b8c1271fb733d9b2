import { setTimeout as sleep } from "node:timers/promises";
import { isTerminalStatus } from "@openwop/types";
import { HostClient } from "./client.js";
import { closedLoop, type RunOutcome } from "./closed-loop.js";
import type { BenchEnvironment } from "./environment.js";
import type { HostKind } from "./hosts.js";
import { ResourceMeter } from "./resources.js";
import { summarize, type Summary } from "./stats.js";
import { CHAIN_WORKFLOW } from "./workflows.js";
import { medianOf, SPARE_CONNECTIONS, withHosts, type ThroughputResult } from "./workloads.js";

/**
 * Workload 10, polling: the throughput workload's runs (the same three-node chain, clients,
 * run count, warm-up and repetitions), but each client follows its run by polling
 * `GET /v1/runs/{id}` every `pollMs` on its keep-alive connections instead of over SSE.
 */
export interface PollingResult extends ThroughputResult {
  /** The wait between one status answer that was not terminal and the next read. */
  pollMs: number;
  /** Status reads of the measured phase, and how long each took. */
  statusReads: number;
  statusReadMs: Summary;
  /** Status reads per measured run. */
  readsPerRun: number;
  /**
   * The SSE throughput workload's runs/s on this host when it was measured in the same bench
   * run, so the ratio compares figures taken minutes apart; null when it was not.
   */
  sseRunsPerSecond: number | null;
}

/** One run of the polling loop: create a chain, read its status every `pollMs` until it is terminal. */
export async function pollChainRun(
  http: HostClient,
  pollMs: number,
  onRead: (latencyMs: number) => void,
): Promise<RunOutcome> {
  const created = await http.createRun(CHAIN_WORKFLOW.id);
  for (;;) {
    await sleep(pollMs);
    const read = await http.readStatus(created.runId);
    onRead(read.latencyMs);
    if (isTerminalStatus(read.status)) return { createMs: created.latencyMs, completed: read.status === "completed" };
  }
}

export function measurePolling(env: BenchEnvironment, kind: HostKind): Promise<PollingResult> {
  return medianOf(env, () => measurePollingOnce(env, kind));
}

async function measurePollingOnce(env: BenchEnvironment, kind: HostKind): Promise<PollingResult> {
  const { runs, clients, warmup, pollMs } = env.options;
  return withHosts(env, kind, "w10", 1, async ([host]) => {
    if (!host) throw new Error("no host started");
    const http = new HostClient(host.url, env.apiKey, clients + SPARE_CONNECTIONS);
    const meter = new ResourceMeter([host.process.pid], kind === "postgres");
    const reads: number[] = [];
    let measuring = false;
    const onRead = (latencyMs: number): void => {
      if (measuring) reads.push(latencyMs);
    };
    try {
      if (warmup > 0) env.progress.step(`warm-up: ${warmup} runs`);
      const result = await closedLoop(
        {
          runs,
          clients,
          warmup,
          onProgress: env.progress.counter("runs", runs),
          onMeasuredPhaseStart: () => {
            measuring = true;
            meter.start();
          },
        },
        () => pollChainRun(http, pollMs, onRead),
      );
      const resources = meter.stop();
      env.progress.step(
        `${result.runsPerSecond} runs/s polling every ${pollMs} ms; POST p50 ${result.createMs.p50} ms, p99 ${result.createMs.p99} ms; ${reads.length} status reads`,
      );
      return {
        ...result,
        hostProcesses: 1,
        resources,
        pollMs,
        statusReads: reads.length,
        statusReadMs: summarize(reads),
        readsPerRun: runs > 0 ? Math.round((reads.length / runs) * 10) / 10 : 0,
        sseRunsPerSecond: null,
      };
    } finally {
      await http.close();
    }
  });
}
