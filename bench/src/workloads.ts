import { setTimeout as sleep } from "node:timers/promises";
import { isTerminalStatus } from "@openwop/types";
import { HostClient, type ReceivedFrame } from "./client.js";
import { closedLoop, type ClosedLoopResult, type RunOutcome } from "./closed-loop.js";
import { stopAll, type BenchEnvironment } from "./environment.js";
import type { HostKind, RunningHost } from "./hosts.js";
import { readMemory } from "./processes.js";
import { ResourceMeter, type ResourceUse } from "./resources.js";
import { roundTo, summarize, type Summary } from "./stats.js";
import { CHAIN_WORKFLOW, DELIVERY_WORKFLOW, HOLD_WORKFLOW } from "./workflows.js";
import { MEASURING_LINE, RESULT_LINE } from "./workers/protocol.js";

/** Spare connections on top of what a workload keeps busy at once. */
export const SPARE_CONNECTIONS = 16;

export interface ThroughputResult extends ClosedLoopResult {
  hostProcesses: number;
  resources: ResourceUse;
  /** runs/s of every repetition, in order; the figures reported are those of the median one. */
  repeats?: number[];
}

/**
 * Runs a throughput measurement `times` times (each on fresh storage) and keeps the one
 * with the median runs/s, so one disturbed repetition on a shared machine moves nothing.
 */
export async function medianOf<T extends { runsPerSecond: number }>(
  env: BenchEnvironment,
  measure: () => Promise<T>,
): Promise<T & { repeats: number[] }> {
  const times = env.options.repeat;
  const results: T[] = [];
  for (let attempt = 1; attempt <= times; attempt++) {
    if (times > 1) env.progress.step(`repetition ${attempt} of ${times}`);
    results.push(await measure());
  }
  const ordered = [...results].sort((a, b) => a.runsPerSecond - b.runsPerSecond);
  const median = ordered[Math.floor((ordered.length - 1) / 2)] as T;
  return { ...median, repeats: results.map((r) => r.runsPerSecond) };
}

/** A host that died mid-measurement invalidates it: say so, with what it printed last. */
function assertAlive(hosts: readonly RunningHost[]): void {
  for (const host of hosts) {
    if (host.process.exited) {
      const { exitCode, signalCode } = host.process.child;
      throw new Error(
        `${host.process.label} exited during the measurement (code ${String(exitCode)}, signal ${String(signalCode)})\n${host.process.output().slice(-3000)}`,
      );
    }
  }
}

/**
 * Runs `work` on `count` fresh host processes (`environment` added to theirs), then stops
 * them. The hosts open a fresh store, or `storage` when the workload prepared one.
 */
export async function withHosts<T>(
  env: BenchEnvironment,
  kind: HostKind,
  name: string,
  count: number,
  work: (hosts: RunningHost[]) => Promise<T>,
  environment: Record<string, string> = {},
  storage?: { sqlitePath?: string; databaseUrl?: string },
): Promise<T> {
  const hosts = await env.startHosts(kind, name, count, environment, storage);
  try {
    const result = await work(hosts);
    assertAlive(hosts);
    return result;
  } catch (error) {
    assertAlive(hosts);
    throw error;
  } finally {
    await stopAll(hosts.map((h) => h.process));
  }
}

/** One run of the throughput loop: create a chain, follow it over SSE until the host closes the stream. */
export async function followChainRun(http: HostClient): Promise<RunOutcome> {
  const created = await http.createRun(CHAIN_WORKFLOW.id);
  const stream = await http.followEvents(created.runId);
  return { createMs: created.latencyMs, completed: stream.terminal === "run.completed" };
}

/**
 * Workloads 1 and 4: `runs` three-node chains by `clients` closed-loop clients, each
 * following its run over SSE until the host closes the stream after the terminal event.
 * With several hosts the clients are spread round-robin over them.
 */
export function measureThroughput(
  env: BenchEnvironment,
  kind: HostKind,
  name: string,
  hostCount = 1,
): Promise<ThroughputResult> {
  return medianOf(env, () => measureThroughputOnce(env, kind, name, hostCount));
}

async function measureThroughputOnce(
  env: BenchEnvironment,
  kind: HostKind,
  name: string,
  hostCount: number,
): Promise<ThroughputResult> {
  const { runs, clients, warmup } = env.options;
  return withHosts(env, kind, name, hostCount, async (hosts) => {
    const perHost = Math.ceil(clients / hosts.length) + SPARE_CONNECTIONS;
    const httpClients = hosts.map((host) => new HostClient(host.url, env.apiKey, perHost));
    const meter = new ResourceMeter(
      hosts.map((h) => h.process.pid),
      kind === "postgres",
    );
    try {
      if (warmup > 0) env.progress.step(`warm-up: ${warmup} runs`);
      const result = await closedLoop(
        {
          runs,
          clients,
          warmup,
          onProgress: env.progress.counter("runs", runs),
          onMeasuredPhaseStart: () => meter.start(),
        },
        (client) => followChainRun(httpClients[client % httpClients.length] as HostClient),
      );
      const resources = meter.stop();
      env.progress.step(
        `${result.runsPerSecond} runs/s; POST p50 ${result.createMs.p50} ms, p99 ${result.createMs.p99} ms`,
      );
      return { ...result, hostProcesses: hosts.length, resources };
    } finally {
      await Promise.all(httpClients.map((c) => c.close()));
    }
  });
}

export interface DeliveryResult {
  subscribers: number;
  /** Append-to-receipt delay of every event appended after its subscriber was connected. */
  delayMs: Summary;
  liveEvents: number;
  /** Events already in the log when the subscriber connected (not counted as delivery). */
  backlogEvents: number;
  completedRuns: number;
  errors: number;
  firstError?: string;
  resources: ResourceUse;
}

/**
 * Workload 2: one SSE subscriber per run, `subscribers` runs at once. Each run first
 * sleeps (3–5 s, staggered) so its subscriber is connected before the interesting events
 * are appended; the delay of an event is its receipt time minus its `timestamp`.
 */
export async function measureDelivery(env: BenchEnvironment, kind: HostKind): Promise<DeliveryResult> {
  const { subscribers } = env.options;
  return withHosts(env, kind, "w2", 1, async ([host]) => {
    const running = host as RunningHost;
    const http = new HostClient(running.url, env.apiKey, subscribers + SPARE_CONNECTIONS);
    const meter = new ResourceMeter([running.process.pid], kind === "postgres").start();
    const delays: number[] = [];
    let backlog = 0;
    let completed = 0;
    let errors = 0;
    let firstError: string | undefined;
    try {
      await Promise.all(
        Array.from({ length: subscribers }, async (_, i) => {
          try {
            const delayMs = 3_000 + Math.round((2_000 * i) / subscribers);
            const created = await http.createRun(DELIVERY_WORKFLOW.id, { delayMs });
            let openedAt = Number.POSITIVE_INFINITY;
            const stream = await http.followEvents(created.runId, {
              streamMode: "debug",
              onOpen: (at) => (openedAt = at),
              onFrame: (frame: ReceivedFrame) => {
                const appendedAt = Date.parse((JSON.parse(frame.data) as { timestamp: string }).timestamp);
                if (appendedAt >= openedAt) delays.push(frame.receivedAt - appendedAt);
                else backlog += 1;
              },
            });
            if (stream.terminal === "run.completed") completed += 1;
          } catch (error) {
            errors += 1;
            firstError ??= error instanceof Error ? error.message : String(error);
          }
        }),
      );
    } finally {
      await http.close();
    }
    const result: DeliveryResult = {
      subscribers,
      delayMs: summarize(delays),
      liveEvents: delays.length,
      backlogEvents: backlog,
      completedRuns: completed,
      errors,
      ...(firstError === undefined ? {} : { firstError }),
      resources: meter.stop(),
    };
    env.progress.step(
      `${result.liveEvents} live events; delivery p50 ${result.delayMs.p50} ms, p99 ${result.delayMs.p99} ms`,
    );
    return result;
  });
}

export interface HeldResult {
  runs: number;
  holdMs: number;
  creationSeconds: number;
  postMs: Summary;
  /** Runs seen not yet terminal at the end of the measurement window (all created, none due). */
  inFlight: number;
  /** Of those, runs seen `running` (claimed and sleeping in the host). */
  running: number;
  windowSeconds: number;
  statusReadMs: Summary;
  rssBeforeBytes: number | null;
  rssInFlightBytes: number | null;
  peakRssBytes: number | null;
  /** After the hold: runs that ended `completed`, and those that ended otherwise or never. */
  completed: number;
  notCompleted: number;
  /** From the last run's due time until every run was seen terminal. */
  drainSeconds: number | null;
  errors: number;
  firstError?: string;
  resources: ResourceUse;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Workload 3: `held` runs that each sleep `holdMs`, created by `clients` concurrent
 * clients, so all of them are in flight at once; meanwhile `readers` clients read
 * statuses and the host's RSS is sampled. Then waits for every run to finish.
 */
export async function measureHeld(env: BenchEnvironment, kind: HostKind): Promise<HeldResult> {
  const { held, holdMs, clients, readers } = env.options;
  return withHosts(env, kind, "w3", 1, async ([host]) => {
    const running = host as RunningHost;
    const pid = running.process.pid;
    const http = new HostClient(running.url, env.apiKey, clients + readers + SPARE_CONNECTIONS);
    const meter = new ResourceMeter([pid], kind === "postgres").start();
    const rssBefore = readMemory(pid)?.rssBytes ?? null;
    let errors = 0;
    let firstError: string | undefined;
    const fail = (error: unknown): void => {
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    };
    try {
      // 1. Create every run.
      const runIds: string[] = [];
      const post: number[] = [];
      const showCreated = env.progress.counter("created", held);
      const creationStarted = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(clients, held) }, async () => {
          while (next < held) {
            next += 1;
            try {
              const created = await http.createRun(HOLD_WORKFLOW.id, { delayMs: holdMs });
              runIds.push(created.runId);
              post.push(created.latencyMs);
            } catch (error) {
              fail(error);
            }
            showCreated(runIds.length + errors);
          }
        }),
      );
      const createdAt = Date.now();
      const creationSeconds = (createdAt - creationStarted) / 1000;

      // 2. Read statuses while every run is in flight: until shortly before the first is due.
      const firstDue = creationStarted + holdMs;
      const windowEnd = Math.min(createdAt + 15_000, firstDue - 2_000);
      if (windowEnd - createdAt < 3_000) {
        env.progress.warn(
          `creating ${held} runs took ${creationSeconds.toFixed(1)} s of the ${holdMs / 1000} s hold; the in-flight window is short`,
        );
      }
      env.progress.step(
        `created ${runIds.length} runs in ${creationSeconds.toFixed(1)} s; reading statuses for ${Math.max(0, (windowEnd - createdAt) / 1000).toFixed(1)} s`,
      );
      const order = shuffled(runIds);
      if (order.length === 0) throw new Error(`no held run could be created: ${firstError ?? "unknown error"}`);
      const lastStatus = new Map<string, string>();
      const reads: number[] = [];
      let cursor = 0;
      await Promise.all(
        Array.from({ length: readers }, async () => {
          // At least one full sweep, so every run's status is known at the window's end.
          while (Date.now() < windowEnd || cursor < order.length) {
            const runId = order[cursor++ % order.length] as string;
            try {
              const read = await http.readStatus(runId);
              reads.push(read.latencyMs);
              lastStatus.set(runId, read.status);
            } catch (error) {
              fail(error);
            }
          }
        }),
      );
      const windowSeconds = (Date.now() - createdAt) / 1000;
      const memory = readMemory(pid);
      let inFlight = 0;
      let sleeping = 0;
      for (const status of lastStatus.values()) {
        if (!isTerminalStatus(status)) inFlight += 1;
        if (status === "running") sleeping += 1;
      }
      env.progress.step(
        `${inFlight} runs in flight (${sleeping} running); status p99 ${summarize(reads).p99} ms; RSS ${memory ? Math.round(memory.rssBytes / 1048576) : "?"} MiB`,
      );

      // 3. Wait for every run to finish.
      const lastDue = createdAt + holdMs;
      const drainDeadline = lastDue + 180_000;
      const pending = new Set(runIds);
      let completed = 0;
      let drainedAt: number | null = null;
      await sleep(Math.max(0, firstDue - Date.now()));
      env.progress.step("waiting for the held runs to finish");
      while (pending.size > 0 && Date.now() < drainDeadline) {
        const batch = [...pending];
        let index = 0;
        await Promise.all(
          Array.from({ length: readers }, async () => {
            while (index < batch.length) {
              const runId = batch[index++] as string;
              try {
                const { status } = await http.readStatus(runId);
                if (isTerminalStatus(status)) {
                  pending.delete(runId);
                  if (status === "completed") completed += 1;
                }
              } catch (error) {
                fail(error);
              }
            }
          }),
        );
        if (pending.size === 0) drainedAt = Date.now();
        else await sleep(1_000);
      }
      const result: HeldResult = {
        runs: runIds.length,
        holdMs,
        creationSeconds: roundTo(creationSeconds, 2),
        postMs: summarize(post),
        inFlight,
        running: sleeping,
        windowSeconds: roundTo(windowSeconds, 2),
        statusReadMs: summarize(reads),
        rssBeforeBytes: rssBefore,
        rssInFlightBytes: memory?.rssBytes ?? null,
        peakRssBytes: readMemory(pid)?.peakRssBytes ?? null,
        completed,
        notCompleted: runIds.length - completed,
        drainSeconds: drainedAt === null ? null : roundTo(Math.max(0, drainedAt - lastDue) / 1000, 2),
        errors,
        ...(firstError === undefined ? {} : { firstError }),
        resources: meter.stop(),
      };
      env.progress.step(
        `${completed}/${runIds.length} completed${result.drainSeconds === null ? " (gave up waiting)" : `, ${result.drainSeconds} s after the last was due`}`,
      );
      return result;
    } finally {
      await http.close();
    }
  });
}

export interface ScaleOutResult {
  oneHost: ThroughputResult;
  twoHosts: ThroughputResult;
  /** Two hosts' runs/s over one host's. */
  speedup: number | null;
}

/** Workload 4: the throughput workload on one Postgres host, then on two sharing one database. */
export async function measureScaleOut(env: BenchEnvironment): Promise<ScaleOutResult> {
  env.progress.step("one host process");
  const oneHost = await measureThroughput(env, "postgres", "w4_one", 1);
  env.progress.step("two host processes on the same database, clients round-robin");
  const twoHosts = await measureThroughput(env, "postgres", "w4_two", 2);
  return {
    oneHost,
    twoHosts,
    speedup: oneHost.runsPerSecond > 0 ? roundTo(twoHosts.runsPerSecond / oneHost.runsPerSecond, 2) : null,
  };
}

export interface InProcessResult extends ClosedLoopResult {
  resources: ResourceUse;
  repeats?: number[];
}

/** Runs one bench worker script to its result line, metering its measured phase. */
async function runWorker(
  env: BenchEnvironment,
  script: string,
  label: string,
  config: unknown,
  withPostgres: boolean,
): Promise<InProcessResult> {
  const worker = env.startWorker(script, label, config);
  try {
    const meter = new ResourceMeter([worker.pid], withPostgres);
    const timeout = 30 * 60_000;
    const measuring = worker.waitForLine(MEASURING_LINE, timeout).then(() => meter.start());
    const line = await worker.waitForLine(RESULT_LINE, timeout);
    await measuring;
    const resources = meter.stop();
    return { ...(JSON.parse(line[1] as string) as ClosedLoopResult), resources };
  } finally {
    await worker.stop();
  }
}

/** Workload 5: the same runs through the engine and adapter in one process, no HTTP. */
export async function measureCeiling(env: BenchEnvironment, kind: HostKind): Promise<InProcessResult> {
  const { runs, clients, warmup } = env.options;
  const result = await medianOf(env, async () => {
    const storage = await env.freshStorage(kind, "w5");
    return runWorker(
      env,
      "ceiling-worker",
      `ceiling-${kind}`,
      { storage: kind, ...storage, runs, clients, warmup },
      kind === "postgres",
    );
  });
  env.progress.step(`${result.runsPerSecond} runs/s in-process`);
  return result;
}

export interface PeerResult extends InProcessResult {
  mode: string;
}

/** Workload 6: DBOS Transact on its own database of the same Postgres server. */
export async function measurePeer(env: BenchEnvironment): Promise<PeerResult> {
  const { runs, clients, warmup } = env.options;
  const server = await env.postgres();
  let attempt = 0;
  const result = await medianOf(env, async () => {
    attempt += 1;
    const databaseUrl = await server.createDatabase(`bench_dbos_${attempt}`);
    await env.checkpoint(databaseUrl);
    return (await runWorker(
      env,
      "dbos-worker",
      "peer-dbos",
      { databaseUrl, runs, clients, warmup, mode: "call" },
      true,
    )) as PeerResult;
  });
  env.progress.step(`DBOS: ${result.runsPerSecond} runs/s`);
  return result;
}
