import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { HostClient } from "./client.js";
import type { BenchEnvironment } from "./environment.js";
import type { HostKind, RunningHost } from "./hosts.js";
import { readMemory } from "./processes.js";
import { ratio } from "./stats.js";
import { HOLD_WORKFLOW } from "./workflows.js";
import { followChainRun, withHosts } from "./workloads.js";

/**
 * Workload 8: memory after a burst of connections. Many SSE streams are opened on one host
 * at once, half of them reset at once and the rest closed by the client; the host's RSS is
 * sampled until a minute after the burst. A host that keeps the memory of connections long
 * gone grows with every burst an operator's clients cause.
 */

/** Chain runs followed before the baseline is read: the JIT, pools and caches warm, as in service. */
const WARMUP_RUNS = 200;
/** Held runs the streams follow: the streams stay open because these runs do not end during the burst. */
const HELD_RUNS = 20;
/** How long after the burst RSS is compared with the baseline (issue 14: "a minute after it ends"). */
const SETTLE_MS = 60_000;
/** RSS sampling interval while settling. */
const SAMPLE_MS = 1_000;
/** The burst is over when RSS is back within this much of the baseline. */
const WITHIN = 1.2;

export interface BurstResult {
  /** Chain runs followed before the baseline was read. */
  warmupRuns: number;
  /** In-flight runs the streams followed. */
  heldRuns: number;
  streams: number;
  /** Streams answered 200 with the event-stream headers before the burst was torn down. */
  opened: number;
  /** How many were reset (`resetAndDestroy`) at once; the rest were ended by the client. */
  reset: number;
  rssBeforeBytes: number | null;
  rssPeakBytes: number | null;
  /** RSS a minute after the last stream closed. */
  rssAfterBytes: number | null;
  /** rssAfter / rssBefore: the target is at most 1.2. */
  afterOverBefore: number | null;
  /** From the last close until RSS was back within 20% of the baseline; null when it never was. */
  settledAfterSeconds: number | null;
}

const rssOf = (pid: number): number | null => readMemory(pid)?.rssBytes ?? null;

/** Opens one SSE stream on its own socket and resolves once the host has answered 200. */
function openStream(host: URL, apiKey: string, runId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(host.port), host.hostname);
    let head = "";
    const onData = (chunk: Buffer): void => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n")) return;
      socket.off("data", onData);
      if (head.startsWith("HTTP/1.1 200")) {
        socket.resume();
        resolve(socket);
      } else {
        socket.destroy();
        reject(new Error(`the stream was answered ${head.split("\r\n")[0]}`));
      }
    };
    socket.on("data", onData);
    socket.on("error", reject);
    socket.write(
      `GET /v1/runs/${encodeURIComponent(runId)}/events HTTP/1.1\r\nHost: ${host.host}\r\n` +
        `Authorization: Bearer ${apiKey}\r\nAccept: text/event-stream\r\n\r\n`,
    );
  });
}

export async function measureBurst(env: BenchEnvironment, kind: HostKind): Promise<BurstResult> {
  const streams = env.options.burstStreams;
  return withHosts(env, kind, "w8", 1, async ([host]) => {
    const running = host as RunningHost;
    const pid = running.process.pid;
    const http = new HostClient(running.url, env.apiKey, 16);
    try {
      const showWarm = env.progress.counter("warm-up runs", WARMUP_RUNS);
      for (let done = 0; done < WARMUP_RUNS; ) {
        await Promise.all(Array.from({ length: 8 }, () => followChainRun(http)));
        done += 8;
        showWarm(done);
      }
      const held: string[] = [];
      for (let i = 0; i < HELD_RUNS; i++)
        held.push((await http.createRun(HOLD_WORKFLOW.id, { delayMs: 10 * 60_000 })).runId);
      await sleep(2_000);
      const rssBefore = rssOf(pid);

      const url = new URL(running.url);
      const showOpened = env.progress.counter("streams opened", streams);
      let opened = 0;
      const settled = await Promise.allSettled(
        Array.from({ length: streams }, async (_, index) => {
          const socket = await openStream(url, env.apiKey, held[index % held.length] as string);
          showOpened(++opened);
          return socket;
        }),
      );
      const sockets = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
      const refused = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
      if (refused) env.progress.warn(`${streams - sockets.length} streams were not opened: ${String(refused.reason)}`);
      await sleep(1_000);
      const rssPeak = rssOf(pid);

      const half = Math.floor(sockets.length / 2);
      for (const socket of sockets.slice(0, half)) socket.resetAndDestroy();
      for (const socket of sockets.slice(half)) socket.end();
      const closedAt = Date.now();
      env.progress.step(
        `reset ${half} streams and ended ${sockets.length - half}; sampling RSS for ${SETTLE_MS / 1000} s`,
      );
      let settledAfterSeconds: number | null = null;
      let rssAfter = rssPeak;
      while (Date.now() - closedAt < SETTLE_MS) {
        await sleep(SAMPLE_MS);
        rssAfter = rssOf(pid);
        if (settledAfterSeconds === null && rssAfter !== null && rssBefore !== null && rssAfter <= rssBefore * WITHIN)
          settledAfterSeconds = Math.round((Date.now() - closedAt) / 100) / 10;
      }
      for (const socket of sockets) socket.destroy();
      return {
        warmupRuns: WARMUP_RUNS,
        heldRuns: HELD_RUNS,
        streams,
        opened: sockets.length,
        reset: half,
        rssBeforeBytes: rssBefore,
        rssPeakBytes: rssPeak,
        rssAfterBytes: rssAfter,
        afterOverBefore: rssAfter === null || rssBefore === null ? null : ratio(rssAfter, rssBefore),
        settledAfterSeconds,
      };
    } finally {
      await http.close();
    }
  });
}
