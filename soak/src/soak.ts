import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { PostgresServer } from "@openwop/pg-harness";
import { audit, SUBSCRIBED_TYPES, sweepAll, type AuditFigures } from "./audit.js";
import { Cluster } from "./cluster.js";
import { drain } from "./drain.js";
import { call, sleep } from "./http.js";
import { Ledger, type Counters } from "./ledger.js";
import { LoadGenerator } from "./load.js";
import type { HostKind } from "./options.js";
import type { Progress } from "./progress.js";
import type { Random } from "./random.js";
import { WebhookReceiver } from "./receiver.js";

/** How long the load runs before each kill: a random moment in this window. */
export interface Timing {
  minLoadMs: number;
  maxLoadMs: number;
  /** Patience for every acknowledged run to end after a restart. */
  drainTimeoutMs: number;
}

export const DEFAULT_TIMING: Timing = { minLoadMs: 300, maxLoadMs: 2_500, drainTimeoutMs: 60_000 };

export interface CycleReport extends AuditFigures {
  cycle: number;
  killed: string[];
  loadMs: number;
  recoveryMs: number;
  drainMs: number;
  runsAcknowledged: number;
  violations: number;
}

export interface KindReport {
  kind: HostKind;
  processes: number;
  cycles: number;
  kills: number;
  restarts: number;
  runsAcknowledged: number;
  createsSent: number;
  createsUnanswered: number;
  createsRefused: number;
  idempotencyKeys: number;
  idempotentRetries: number;
  cancelsAcknowledged: number;
  resolutionsAcknowledged: number;
  /** Acknowledged pauses of the webhook subscription (each resumed later). */
  webhookPauses: number;
  eventsChecked: number;
  /** Runs whose log began before a SIGKILL and ended after it (all cycles together). */
  inFlightAtKill: number;
  rechecks: number;
  followers: number;
  sseResumes: number;
  deliveriesChecked: number;
  webhooksReceived: number;
  webhookRepeats: number;
  /** Deliveries the receiver answered 503, so they were retried. */
  webhookRefusals: number;
  storedRuns: number;
  /** Runs read once more after the last cycle. */
  finalSweep: number;
  recoveryMs: { median: number; p95: number; max: number };
  drainMs: { median: number; max: number };
  durationSeconds: number;
  violations: string[];
  perCycle: CycleReport[];
}

export interface SoakContext {
  apiKey: string;
  workDir: string;
  workflowsDir: string;
  postgres?: () => Promise<PostgresServer>;
  progress: Progress;
  random: Random;
  timing: Timing;
}

/** Runs `cycles` load–kill–restart–drain–check cycles against one host kind on fresh storage. */
export async function soakKind(kind: HostKind, cycles: number, context: SoakContext): Promise<KindReport> {
  const { progress, random, timing } = context;
  const started = Date.now();
  const sqliteDir = join(context.workDir, `${kind}-store`);
  await mkdir(sqliteDir, { recursive: true });
  const postgres = kind === "postgres" ? await context.postgres?.() : undefined;
  const cluster = await Cluster.start(kind, context.apiKey, context.workflowsDir, {
    sqliteDir,
    ...(postgres ? { postgres } : {}),
  });
  const receiver = await WebhookReceiver.start();
  const ledger = new Ledger();
  const load = new LoadGenerator(cluster, ledger, random);
  const perCycle: CycleReport[] = [];
  let finalSweep = 0;
  try {
    const webhookId = await subscribe(cluster, receiver);
    load.webhookId = webhookId;
    progress.step(`${cluster.size} host process(es) up; webhook receiver on ${receiver.url}`);
    for (let cycle = 1; cycle <= cycles; cycle++) {
      ledger.cycle = cycle;
      const before = { runs: ledger.runs.size, violations: ledger.violations.length };
      load.start();
      const loadMs = random.between(timing.minLoadMs, timing.maxLoadMs);
      await sleep(loadMs);
      const crash = await cluster.crash(random);
      // Some load against the restarted processes before the check pauses it.
      await sleep(random.between(100, 400));
      await load.pause();
      const drainStarted = Date.now();
      await drain(cluster, ledger, load, random, timing.drainTimeoutMs);
      const drainMs = Date.now() - drainStarted;
      const figures = await audit(cluster, ledger, load, receiver, random, crash.killedAt);
      await checkSubscription(cluster, ledger, webhookId);
      const report: CycleReport = {
        cycle,
        killed: crash.killed,
        loadMs,
        recoveryMs: crash.recoveryMs,
        drainMs,
        runsAcknowledged: ledger.runs.size - before.runs,
        violations: ledger.violations.length - before.violations,
        ...figures,
      };
      perCycle.push(report);
      for (const violation of ledger.violations.slice(before.violations)) progress.fail(violation);
      progress.step(
        `cycle ${cycle}/${cycles}: killed ${crash.killed.join("+")} after ${loadMs} ms, back in ${crash.recoveryMs} ms; ` +
          `${report.runsAcknowledged} runs acknowledged (${ledger.runs.size} in all), ${figures.eventsChecked} events checked, ` +
          `${report.violations} violations`,
      );
    }
    const before = ledger.violations.length;
    finalSweep = await sweepAll(cluster, ledger, random);
    for (const violation of ledger.violations.slice(before)) progress.fail(violation);
    progress.step(`final pass: read all ${finalSweep} runs again, ${ledger.violations.length - before} violations`);
  } catch (error) {
    ledger.violate(`the soak stopped: ${error instanceof Error ? error.message : String(error)}`);
    progress.fail(
      `${kind}: ${error instanceof Error ? error.message : String(error)}\n${cluster.output().slice(-4000)}`,
    );
  } finally {
    await load.pause();
    for (const follower of load.followers) follower.stop();
    await cluster.close();
    await receiver.close();
  }
  return { ...summarize(kind, cluster.size, ledger.counters, ledger, receiver, perCycle, started), finalSweep };
}

async function subscribe(cluster: Cluster, receiver: WebhookReceiver): Promise<string> {
  const url = cluster.url();
  if (url === undefined) throw new Error("no host is up");
  const answer = await call(url, cluster.apiKey, "/v1/webhooks", {
    method: "POST",
    body: { url: receiver.url, events: [...SUBSCRIBED_TYPES] },
  });
  if (answer.status !== 201) throw new Error(`POST /v1/webhooks answered ${answer.status}: ${answer.text}`);
  return String((answer.json as { webhookId?: unknown }).webhookId);
}

/**
 * The subscription must still be active: a `failed` one (too many refused attempts) gets no
 * deliveries, and the lost deliveries that follow would be the soak's doing, not the host's.
 */
async function checkSubscription(cluster: Cluster, ledger: Ledger, webhookId: string): Promise<void> {
  const url = cluster.url();
  if (url === undefined) return;
  const answer = await call(url, cluster.apiKey, `/v1/webhooks/${webhookId}`);
  const status = (answer.json as { status?: unknown } | undefined)?.status;
  if (answer.status !== 200 || status !== "active")
    ledger.violate(`webhook subscription ${webhookId} is ${String(status ?? answer.status)}, no longer active`);
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function summarize(
  kind: HostKind,
  processes: number,
  counters: Counters,
  ledger: Ledger,
  receiver: WebhookReceiver,
  perCycle: CycleReport[],
  started: number,
): Omit<KindReport, "finalSweep"> {
  const sum = (pick: (c: CycleReport) => number): number => perCycle.reduce((total, c) => total + pick(c), 0);
  const recovery = perCycle.map((c) => c.recoveryMs);
  const drains = perCycle.map((c) => c.drainMs);
  return {
    kind,
    processes,
    cycles: perCycle.length,
    kills: sum((c) => c.killed.length),
    restarts: sum((c) => c.killed.length),
    runsAcknowledged: ledger.runs.size,
    createsSent: counters.createsSent,
    createsUnanswered: counters.createsUnanswered,
    createsRefused: counters.createsRefused,
    idempotencyKeys: ledger.keys.size,
    idempotentRetries: counters.idempotentRetries,
    cancelsAcknowledged: counters.cancelsAcknowledged,
    resolutionsAcknowledged: counters.resolutionsAcknowledged,
    webhookPauses: counters.webhookPauses,
    eventsChecked: sum((c) => c.eventsChecked),
    inFlightAtKill: sum((c) => c.inFlightAtKill),
    rechecks: sum((c) => c.rechecked),
    followers: sum((c) => c.followersChecked),
    sseResumes: sum((c) => c.sseResumes),
    deliveriesChecked: sum((c) => c.deliveriesChecked),
    webhooksReceived: receiver.received,
    webhookRepeats: receiver.repeats,
    webhookRefusals: receiver.refused,
    storedRuns: perCycle.at(-1)?.storedRuns ?? 0,
    recoveryMs: { median: quantile(recovery, 0.5), p95: quantile(recovery, 0.95), max: Math.max(0, ...recovery) },
    drainMs: { median: quantile(drains, 0.5), max: Math.max(0, ...drains) },
    durationSeconds: Math.round((Date.now() - started) / 1000),
    violations: [...ledger.violations],
    perCycle,
  };
}
