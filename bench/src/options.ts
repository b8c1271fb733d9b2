import { parseArgs } from "node:util";
import { HOST_KINDS, type HostKind } from "./hosts.js";

export const WORKLOADS = [
  "throughput",
  "delivery",
  "held",
  "scaleout",
  "ceiling",
  "peer",
  "webhooks",
  "burst",
  "runs-list",
  "polling",
] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface BenchOptions {
  workloads: Workload[];
  hosts: HostKind[];
  /** Runs per throughput measurement (workloads 1, 4, 5, 6 and 7). */
  runs: number;
  /** Concurrent clients, each following its run to the end before creating the next. */
  clients: number;
  /** Runs created (and not counted) before each throughput measurement. */
  warmup: number;
  /** SSE subscribers, one per run, for the delivery workload. */
  subscribers: number;
  /** Runs held in flight at once by the held-load workload. */
  held: number;
  /** The delay each held run sleeps. */
  holdMs: number;
  /** Concurrent readers issuing GET /v1/runs/{id} during the hold. */
  readers: number;
  /** SSE streams opened at once by the burst workload. */
  burstStreams: number;
  /** Runs seeded in storage for the large size of the runs-list workload (the small is min(1000, this)). */
  listRuns: number;
  /** The polling workload's wait between a status answer that was not terminal and the next read. */
  pollMs: number;
  /** Repetitions of each runs/s measurement (workloads 1, 4, 5, 6, 7, 10); the median is reported. */
  repeat: number;
  json: boolean;
  write: boolean;
  /** Merge the measured workloads into the existing bench/results/latest.json instead of replacing it. */
  merge: boolean;
  /** Write V8 CPU profiles of the host processes (and summarise them). */
  profile: boolean;
  quiet: boolean;
  /** Only re-render docs/benchmarks.md from bench/results/latest.json (and bench/analysis.md). */
  renderOnly: boolean;
  help: boolean;
}

export const USAGE = `Usage: ./pnpmw bench [options]

Measures the SQLite and Postgres example hosts over HTTP on loopback and writes
bench/results/latest.json and docs/benchmarks.md.

  --workloads LIST   comma-separated, default all: ${WORKLOADS.join(",")}
  --hosts LIST       comma-separated, default all: ${HOST_KINDS.join(",")}
  --runs N           runs per throughput measurement (default 5000; also the default for --held)
  --clients N        concurrent clients (default 64)
  --warmup N         unmeasured runs before each throughput measurement (default min(500, runs/10))
  --subscribers N    SSE subscribers for the delivery workload (default 200)
  --held N           runs held in flight at once (default: --runs)
  --hold-ms N        how long each held run sleeps (default 15000 + 6 ms per held run, at most 60000)
  --readers N        concurrent status readers during the hold (default 32)
  --burst-streams N  SSE streams opened at once by the burst workload (default 2000)
  --list-runs N      runs seeded in storage for the runs-list workload (default 100000; also
                     measured at min(1000, N))
  --poll-ms N        polling workload: ms between status reads of one run (default 5)
  --repeat N         repetitions of each runs/s measurement, median reported (default 3)
  --json             print the results as JSON on stdout (progress stays on stderr)
  --no-write         do not write bench/results/latest.json and docs/benchmarks.md
  --merge            keep the other workloads' figures in bench/results/latest.json and replace
                     only those measured now (the page names the command of each)
  --profile          write CPU profiles of the host processes to bench/results/tmp/profiles
  --quiet            no progress on stderr
  --render-only      measure nothing: re-render docs/benchmarks.md from bench/results/latest.json
  -h, --help         this text

Workloads: throughput (runs/s over HTTP), delivery (SSE delay), held (runs in flight),
scaleout (two Postgres host processes), ceiling (no HTTP), peer (DBOS Transact),
webhooks (runs/s with one subscription and without, event-to-delivery latency),
burst (host RSS a minute after many SSE streams opened and closed at once),
runs-list (GET /v1/runs pages with 1 000 and 100 000 runs in storage, and their ratio),
polling (the throughput runs, each followed by GET /v1/runs/{id} every --poll-ms instead of SSE).

A quick pass: ./pnpmw bench --runs 500 --repeat 1 --no-write`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

function positiveInteger(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function list<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T[] {
  if (raw === undefined) return [...allowed];
  const items = raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw new UsageError(`--${name}: unknown "${item}"; choose from ${allowed.join(", ")}`);
  }
  if (items.length === 0) throw new UsageError(`--${name} needs at least one of ${allowed.join(", ")}`);
  // Keep the canonical order, so reports read the same whatever order was typed.
  return allowed.filter((item) => items.includes(item));
}

/** The default hold: long enough to create every held run and then measure for a while. */
export function defaultHoldMs(held: number): number {
  return Math.min(60_000, 15_000 + held * 6);
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        workloads: { type: "string" },
        hosts: { type: "string" },
        runs: { type: "string" },
        clients: { type: "string" },
        warmup: { type: "string" },
        subscribers: { type: "string" },
        held: { type: "string" },
        "hold-ms": { type: "string" },
        readers: { type: "string" },
        repeat: { type: "string" },
        "burst-streams": { type: "string" },
        "list-runs": { type: "string" },
        "poll-ms": { type: "string" },
        merge: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "no-write": { type: "boolean", default: false },
        profile: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        "render-only": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const runs = positiveInteger("runs", v.runs, 5000);
  const held = positiveInteger("held", v.held, runs);
  return {
    workloads: list("workloads", v.workloads, WORKLOADS),
    hosts: list("hosts", v.hosts, HOST_KINDS),
    runs,
    clients: positiveInteger("clients", v.clients, 64),
    warmup: positiveInteger("warmup", v.warmup, Math.min(500, Math.floor(runs / 10)), 0),
    subscribers: positiveInteger("subscribers", v.subscribers, 200),
    held,
    holdMs: positiveInteger("hold-ms", v["hold-ms"], defaultHoldMs(held), 1000),
    readers: positiveInteger("readers", v.readers, 32),
    repeat: positiveInteger("repeat", v.repeat, 3),
    burstStreams: positiveInteger("burst-streams", v["burst-streams"], 2000),
    listRuns: positiveInteger("list-runs", v["list-runs"], 100_000),
    pollMs: positiveInteger("poll-ms", v["poll-ms"], 5),
    json: v.json === true,
    write: v["no-write"] !== true,
    merge: v.merge === true,
    profile: v.profile === true,
    quiet: v.quiet === true,
    renderOnly: v["render-only"] === true,
    help: v.help === true,
  };
}
