import type { HostKind } from "./hosts.js";
import type { BurstResult } from "./burst.js";
import type { MachineInfo } from "./machine.js";
import type { BenchOptions } from "./options.js";
import type { ProfileSummary } from "./profile.js";
import type { PollingResult } from "./polling.js";
import type { RunsListResult } from "./runs-list.js";
import { ratio } from "./stats.js";
import { classify, overallTier, type Tier, type TierVerdict } from "./tiers.js";
import type { WebhooksResult } from "./webhooks.js";
import type {
  DeliveryResult,
  HeldResult,
  InProcessResult,
  PeerResult,
  ScaleOutResult,
  ThroughputResult,
} from "./workloads.js";

/** A workload's outcome: its figures, or why there are none. */
export type Outcome<T> = { status: "measured"; result: T } | { status: "not-measured"; reason: string };

export const measured = <T>(result: T): Outcome<T> => ({ status: "measured", result });
export const notMeasured = <T>(reason: string): Outcome<T> => ({ status: "not-measured", reason });

export function measuredValue<T>(outcome: Outcome<T> | undefined): T | undefined {
  return outcome?.status === "measured" ? outcome.result : undefined;
}

export interface HostResults {
  throughput?: Outcome<ThroughputResult>;
  delivery?: Outcome<DeliveryResult>;
  held?: Outcome<HeldResult>;
  ceiling?: Outcome<InProcessResult>;
  /** Postgres only. */
  scaleOut?: Outcome<ScaleOutResult>;
  /** Postgres only. */
  peer?: Outcome<PeerResult>;
  webhooks?: Outcome<WebhooksResult>;
  burst?: Outcome<BurstResult>;
  runsList?: Outcome<RunsListResult>;
  /** Workload 10: the throughput runs followed by polling GET /v1/runs/{id} instead of SSE. */
  polling?: Outcome<PollingResult>;
  ratios: HostRatios;
  tiers: TierVerdict[];
  /** The tier met on every measured property. */
  tier: Tier | "none" | null;
}

export interface HostRatios {
  /** Host runs/s (workload 1) over in-process runs/s (workload 5). */
  hostOverCeiling: number | null;
  /** Postgres host runs/s over DBOS runs/s. */
  hostOverPeer?: number | null;
  /** Our in-process Postgres runs/s over DBOS runs/s (both without HTTP). */
  ceilingOverPeer?: number | null;
  /** Two Postgres host processes' runs/s over one's. */
  twoHostsOverOne?: number | null;
  /** Runs/s with one webhook subscription over runs/s with none (workload 7), when it ran. */
  subscribedOverUnsubscribed?: number | null;
  /** Host RSS a minute after a burst of streams over RSS before it (workload 8), when it ran. */
  rssAfterOverBeforeBurst?: number | null;
  /** The highest p50(large) / p50(small) over the GET /v1/runs queries (workload 9), when it ran. */
  runsListWorstP50?: number | null;
  /** Polling runs/s (workload 10) over SSE runs/s (workload 1) measured in the same bench run, when polling ran. */
  pollingOverSse?: number | null;
}

export interface TargetCheck {
  id: string;
  host: HostKind | "both";
  description: string;
  target: string;
  measured: string | null;
  met: boolean | null;
}

/** The run's options as recorded in the results (workload and host names as plain strings). */
export interface BenchSettings
  extends Pick<BenchOptions, "runs" | "clients" | "warmup" | "subscribers" | "held" | "holdMs" | "readers" | "repeat"> {
  /** SSE streams of the burst workload, when it ran. */
  burstStreams?: number;
  /** Runs seeded for the large size of the runs-list workload, when it ran. */
  listRuns?: number;
  /** The polling workload's interval between status reads of one run, when it ran. */
  pollMs?: number;
  workloads: string[];
  hosts: string[];
  /** OPENWOP_LOG_LEVEL as the hosts saw it. */
  hostLogLevel: string;
  postgres: { sharedBuffers: string; maxConnections: number; durability: string };
  sqlite: string;
  hostEnvironment: Record<string, string>;
  /** Added to the host environment for the webhook workload only. */
  webhookHostEnvironment?: Record<string, string>;
}

export interface BenchReport {
  schemaVersion: 1;
  generatedAt: string;
  command: string;
  durationSeconds: number;
  machine: MachineInfo;
  settings: BenchSettings;
  hosts: Partial<Record<HostKind, HostResults>>;
  targets: TargetCheck[];
  profiles?: ProfileSummary[];
  /**
   * Workloads measured by a later `--merge` run, whose figures replaced these workloads' in
   * this report; `command` and `generatedAt` above are those of the run that measured the rest.
   */
  merged?: MergedRun[];
}

export interface MergedRun {
  command: string;
  generatedAt: string;
  durationSeconds: number;
  workloads: string[];
  hosts: string[];
  /** Load average (1/5/15 min) at the start and the end of that run. */
  loadAverage: { start: number[]; end: number[] };
}

/** The per-property tier verdicts of one host, from workloads 1 (POST), 2 (delivery) and 3 (in flight). */
export function tiersOf(results: Omit<HostResults, "tiers" | "tier" | "ratios">): TierVerdict[] {
  const throughput = measuredValue(results.throughput);
  const delivery = measuredValue(results.delivery);
  const held = measuredValue(results.held);
  return [
    classify("postP50Ms", throughput?.createMs.p50),
    classify("postP99Ms", throughput?.createMs.p99),
    classify("deliveryP99Ms", delivery?.delayMs.p99),
    classify("concurrentRuns", held?.inFlight),
  ];
}

export function ratiosOf(kind: HostKind, results: Omit<HostResults, "tiers" | "tier" | "ratios">): HostRatios {
  const host = measuredValue(results.throughput)?.runsPerSecond;
  const ceiling = measuredValue(results.ceiling)?.runsPerSecond;
  const ratios: HostRatios = { hostOverCeiling: ratio(host, ceiling) };
  if (kind === "postgres") {
    const peer = measuredValue(results.peer)?.runsPerSecond;
    ratios.hostOverPeer = ratio(host, peer);
    ratios.ceilingOverPeer = ratio(ceiling, peer);
    ratios.twoHostsOverOne = measuredValue(results.scaleOut)?.speedup ?? null;
  }
  if (results.webhooks)
    ratios.subscribedOverUnsubscribed = measuredValue(results.webhooks)?.subscribedOverUnsubscribed ?? null;
  if (results.burst) ratios.rssAfterOverBeforeBurst = measuredValue(results.burst)?.afterOverBefore ?? null;
  if (results.runsList) ratios.runsListWorstP50 = worstListRatio(measuredValue(results.runsList));
  if (results.polling) {
    const polling = measuredValue(results.polling);
    ratios.pollingOverSse = ratio(polling?.runsPerSecond, polling?.sseRunsPerSecond);
  }
  return ratios;
}

/** The highest p50 ratio of workload 9, or null when any query has none. */
export function worstListRatio(result: RunsListResult | undefined): number | null {
  if (!result || result.ratios.length === 0) return null;
  let worst = Number.NEGATIVE_INFINITY;
  for (const r of result.ratios) {
    if (r.p50 === null) return null;
    worst = Math.max(worst, r.p50);
  }
  return worst;
}

/** Completes a host's results with its ratios and tiers. */
export function finishHost(kind: HostKind, results: Omit<HostResults, "tiers" | "tier" | "ratios">): HostResults {
  const tiers = tiersOf(results);
  return { ...results, ratios: ratiosOf(kind, results), tiers, tier: overallTier(tiers) };
}

const GIB = 1024 ** 3;

/** Issue 14's bound on memory after a burst: RSS back within 20% of its level before it. */
export const BURST_RSS_CEILING = 1.2;

/** The bound on what one webhook subscription may cost: at most 15% of the runs/s. */
export const WEBHOOK_OVERHEAD_FLOOR = 0.85;

function check(
  id: string,
  host: HostKind | "both",
  description: string,
  target: string,
  value: number | null | undefined,
  pass: (v: number) => boolean,
  show: (v: number) => string,
): TargetCheck {
  if (value == null || !Number.isFinite(value)) return { id, host, description, target, measured: null, met: null };
  return { id, host, description, target, measured: show(value), met: pass(value) };
}

/** The targets, each met, missed, or not measured in this run. */
export function checkTargets(hosts: Partial<Record<HostKind, HostResults>>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ms = (v: number): string => `${v} ms`;
  for (const kind of ["sqlite", "postgres"] as const) {
    const host = hosts[kind];
    if (!host) continue;
    const throughput = measuredValue(host.throughput);
    const delivery = measuredValue(host.delivery);
    const held = measuredValue(host.held);
    const floor = kind === "sqlite" ? 1000 : 500;
    checks.push(
      check(
        `${kind}-throughput`,
        kind,
        "runs/s, 3-node chain, 64 clients",
        `≥ ${floor} runs/s`,
        throughput?.runsPerSecond,
        (v) => v >= floor,
        (v) => `${v} runs/s`,
      ),
      check(
        `${kind}-post-p99`,
        kind,
        "POST /v1/runs p99 under that load",
        "≤ 100 ms",
        throughput?.createMs.p99,
        (v) => v <= 100,
        ms,
      ),
      check(
        `${kind}-delivery-p99`,
        kind,
        "SSE append-to-receipt delay p99",
        "≤ 50 ms",
        delivery?.delayMs.p99,
        (v) => v <= 50,
        ms,
      ),
      check(
        `${kind}-in-flight`,
        kind,
        "runs in flight at once",
        "≥ 5000 runs",
        held?.inFlight,
        (v) => v >= 5000,
        (v) => `${v} runs`,
      ),
      check(
        `${kind}-rss`,
        kind,
        "host RSS with those runs in flight",
        "≤ 1 GiB",
        held?.rssInFlightBytes,
        (v) => v <= GIB,
        (v) => `${(v / 1048576).toFixed(0)} MiB`,
      ),
      check(
        `${kind}-status-p99`,
        kind,
        "GET /v1/runs/{id} p99 meanwhile",
        "≤ 100 ms",
        held?.statusReadMs.p99,
        (v) => v <= 100,
        ms,
      ),
      check(
        `${kind}-ceiling`,
        kind,
        "host runs/s over in-process runs/s",
        "≥ 0.5",
        host.ratios.hostOverCeiling,
        (v) => v >= 0.5,
        (v) => `${v}`,
      ),
      check(
        `${kind}-webhook-overhead`,
        kind,
        "runs/s with one webhook subscription over runs/s with none",
        `≥ ${WEBHOOK_OVERHEAD_FLOOR} (at most 15% slower)`,
        host.ratios.subscribedOverUnsubscribed,
        (v) => v >= WEBHOOK_OVERHEAD_FLOOR,
        (v) => `${v}`,
      ),
      check(
        `${kind}-burst-rss`,
        kind,
        "host RSS a minute after a burst of SSE streams, over RSS before it",
        `≤ ${BURST_RSS_CEILING}`,
        host.ratios.rssAfterOverBeforeBurst,
        (v) => v <= BURST_RSS_CEILING,
        (v) => `${v}`,
      ),
    );
    if (host.polling) {
      const polling = measuredValue(host.polling);
      const pollingFloor = kind === "sqlite" ? 1000 : 600;
      checks.push(
        check(
          `${kind}-polling-throughput`,
          kind,
          `runs/s, 3-node chain, ${polling?.clients ?? 64} clients polling GET /v1/runs/{id} every ${polling?.pollMs ?? 5} ms`,
          `≥ ${pollingFloor} runs/s`,
          polling?.runsPerSecond,
          (v) => v >= pollingFloor,
          (v) => `${v} runs/s`,
        ),
        check(
          `${kind}-polling-post-p99`,
          kind,
          "POST /v1/runs p99 under that polling load",
          "≤ 50 ms",
          polling?.createMs.p99,
          (v) => v <= 50,
          ms,
        ),
      );
    }
    if (kind === "postgres") {
      checks.push(
        check(
          "postgres-peer",
          kind,
          "Postgres host runs/s over DBOS Transact runs/s",
          "≥ 1.0",
          host.ratios.hostOverPeer,
          (v) => v >= 1,
          (v) => `${v}×`,
        ),
      );
    }
  }
  return checks;
}

/** The workload outcomes of a host's results, without what {@link finishHost} derives from them. */
function outcomesOf(host: HostResults): Omit<HostResults, "tiers" | "tier" | "ratios"> {
  const { ratios: _ratios, tiers: _tiers, tier: _tier, ...outcomes } = host;
  return outcomes;
}

/**
 * `--merge`: the previous report with the workloads measured now replaced by their new
 * figures, the derived ratios, tiers and targets recomputed, and the run that measured them
 * recorded in `merged`, so the page can say which command each section comes from.
 */
export function mergeReports(previous: BenchReport, current: BenchReport): BenchReport {
  const hosts: Partial<Record<HostKind, HostResults>> = { ...previous.hosts };
  for (const kind of Object.keys(current.hosts) as HostKind[]) {
    const now = current.hosts[kind];
    if (!now) continue;
    const before = previous.hosts[kind];
    hosts[kind] = finishHost(kind, { ...(before ? outcomesOf(before) : {}), ...outcomesOf(now) });
  }
  const union = (a: string[], b: string[]): string[] => [...a, ...b.filter((item) => !a.includes(item))];
  const { workloads: _w, hosts: _h, ...newSettings } = current.settings;
  return {
    ...previous,
    settings: {
      ...newSettings,
      ...previous.settings,
      ...(current.settings.listRuns === undefined ? {} : { listRuns: current.settings.listRuns }),
      ...(current.settings.burstStreams === undefined ? {} : { burstStreams: current.settings.burstStreams }),
      ...(current.settings.pollMs === undefined ? {} : { pollMs: current.settings.pollMs }),
      workloads: union(previous.settings.workloads, current.settings.workloads),
      hosts: union(previous.settings.hosts, current.settings.hosts),
    },
    hosts,
    targets: checkTargets(hosts),
    merged: [
      ...(previous.merged ?? []).filter((run) => !run.workloads.every((w) => current.settings.workloads.includes(w))),
      {
        command: current.command,
        generatedAt: current.generatedAt,
        durationSeconds: current.durationSeconds,
        workloads: current.settings.workloads,
        hosts: current.settings.hosts,
        loadAverage: current.machine.loadAverage,
      },
    ],
  };
}
