import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { HostClient } from "./client.js";
import { closedLoop } from "./closed-loop.js";
import type { BenchEnvironment } from "./environment.js";
import { WEBHOOK_ENV, type HostKind, type RunningHost } from "./hosts.js";
import { ResourceMeter, type ResourceUse } from "./resources.js";
import { ratio, summarize, type Summary } from "./stats.js";
import {
  deliveriesPerSecond,
  deliveryLatencies,
  drainSeconds,
  lastArrival,
  receiptsOfRuns,
} from "./webhook-figures.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";
import { CHAIN_EVENT_TYPES, CHAIN_EVENTS_PER_RUN, CHAIN_WORKFLOW } from "./workflows.js";
import { followChainRun, medianOf, SPARE_CONNECTIONS, withHosts, type ThroughputResult } from "./workloads.js";

/**
 * Workload 7: what durable webhooks cost a host and how soon they arrive. The throughput
 * loop of workload 1, on a host with no subscription and on one with a subscription to every
 * event type the chain appends, gives the runs/s the subscription costs; a paced load well
 * below saturation, with one subscription and with ten, gives the event-to-delivery latency.
 */

/**
 * How long the receiver may go without a new delivery before the bench stops waiting for
 * the rest: generous, since a host that cannot keep up drains a backlog long after the runs.
 */
const DELIVERY_STALL_MS = 60_000;

/**
 * The latency load: one run a second. At ten subscriptions that is 80 deliveries/s, well under
 * what one host process dispatched flat out on the 2-core development machine (about 200/s on
 * Postgres, 500/s on SQLite): a delivery may queue behind the burst of its own run's events, never
 * behind a standing backlog.
 */
const LATENCY_RUNS_PER_SECOND = 1;
/** Counted runs of each latency measurement, 40 s at that pace (fewer when --runs is smaller). */
const LATENCY_RUNS = 40;
/** Runs created first at the same pace and not counted: JIT, pools, the first claims. */
const LATENCY_WARMUP_RUNS = 5;
/** The subscription counts whose latency is measured. */
const LATENCY_SUBSCRIPTIONS = [1, 10] as const;

export interface WebhookThroughputResult extends ThroughputResult {
  /** Subscriptions to every event type of the chain: 0 (the baseline) or 1. */
  subscriptions: number;
  /** Discovery's `webhooks.durable`. */
  durable: boolean;
  /** Completed runs (warm-up included) × events per run × subscriptions. */
  expectedDeliveries: number;
  /** Distinct deliveries received, warm-up included, when the bench stopped waiting. */
  deliveries: number;
  /** Deliveries received more than once (at-least-once delivery), not counted again. */
  duplicates: number;
  /** Deliveries that arrived during the measured phase, over its wall time; null without a subscription. */
  deliveriesPerSecond: number | null;
  /** From the measured phase's end until the last delivery arrived; null when not all did (or none was due). */
  drainSeconds: number | null;
  /** CPU while the bench waited for the deliveries after the loop: is the dispatcher busy, or waiting? */
  drainResources: ResourceUse | null;
}

export interface WebhookLatencyResult {
  /** Subscriptions of the same receiver, each to every event type of the chain. */
  subscriptions: number;
  /** The pace runs were created at. */
  runsPerSecond: number;
  /** Runs counted. */
  runs: number;
  /** Runs created first and not counted; their deliveries are awaited before the counted runs start. */
  warmupRuns: number;
  /** Created runs × events per run × subscriptions. */
  expectedDeliveries: number;
  /** Distinct deliveries of the counted runs received. */
  deliveries: number;
  duplicates: number;
  /** Receipt time minus the event's `timestamp`, over every delivery of the counted runs. */
  latencyMs: Summary;
  /** Deliveries of the counted runs over the time from the first one's creation to the last delivery. */
  deliveriesPerSecond: number | null;
  errors: number;
  firstError?: string;
  resources: ResourceUse;
}

export interface WebhooksResult {
  eventTypes: string[];
  eventsPerRun: number;
  /** How long the bench waited for a next delivery before giving up on the rest. */
  patienceSeconds: number;
  unsubscribed: WebhookThroughputResult;
  subscribed: WebhookThroughputResult;
  /** runs/s with one subscription over runs/s with none (three decimals: the target is a 15% bound). */
  subscribedOverUnsubscribed: number | null;
  /** One entry per {@link LATENCY_SUBSCRIPTIONS}, in that order. */
  latency: WebhookLatencyResult[];
}

/**
 * Subscribes the receiver `count` times to every event type of the chain, after checking the
 * host delivers webhooks at all; answers discovery's `durable`.
 */
async function subscribe(http: HostClient, receiver: WebhookReceiver, count: number): Promise<boolean> {
  const support = await http.webhookSupport();
  if (!support.supported) throw new Error("the host does not advertise webhooks.supported in its discovery document");
  for (let i = 0; i < count; i++) await http.subscribeWebhook(receiver.url, CHAIN_EVENT_TYPES);
  return support.durable;
}

/** Waits for `expected` deliveries; throws when the host delivered none at all (it does not deliver). */
async function awaitDeliveries(env: BenchEnvironment, receiver: WebhookReceiver, expected: number): Promise<boolean> {
  if (expected === 0) return true;
  if (receiver.receipts.length < expected)
    env.progress.step(`waiting for ${expected - receiver.receipts.length} of ${expected} deliveries`);
  const complete = await receiver.waitFor(expected, DELIVERY_STALL_MS);
  if (receiver.receipts.length === 0)
    throw new Error(`none of ${expected} webhook deliveries arrived within ${DELIVERY_STALL_MS / 1000} s`);
  if (!complete)
    env.progress.warn(
      `${receiver.receipts.length} of ${expected} deliveries arrived; none for ${DELIVERY_STALL_MS / 1000} s since, gave up waiting`,
    );
  return complete;
}

/** Workload 1's closed loop on a host subscribed `subscriptions` times, then its deliveries' drain. */
async function measureThroughputOnce(
  env: BenchEnvironment,
  kind: HostKind,
  subscriptions: number,
): Promise<WebhookThroughputResult> {
  const { runs, clients, warmup } = env.options;
  const receiver = await startWebhookReceiver();
  try {
    return await withHosts(
      env,
      kind,
      `w7_${subscriptions}`,
      1,
      async ([host]) => {
        const http = new HostClient((host as RunningHost).url, env.apiKey, clients + SPARE_CONNECTIONS);
        const meter = new ResourceMeter([(host as RunningHost).process.pid], kind === "postgres");
        try {
          const durable = await subscribe(http, receiver, subscriptions);
          if (warmup > 0) env.progress.step(`warm-up: ${warmup} runs`);
          let completed = 0;
          let measuredFrom = 0;
          const result = await closedLoop(
            {
              runs,
              clients,
              warmup,
              onProgress: env.progress.counter("runs", runs),
              onMeasuredPhaseStart: () => {
                meter.start();
                measuredFrom = Date.now();
              },
            },
            async () => {
              const outcome = await followChainRun(http);
              if (outcome.completed) completed += 1;
              return outcome;
            },
          );
          const measuredTo = Date.now();
          const resources = meter.stop();
          const expected = completed * CHAIN_EVENTS_PER_RUN * subscriptions;
          const rate = subscriptions === 0 ? null : deliveriesPerSecond(receiver.receipts, measuredFrom, measuredTo);
          const drainMeter = new ResourceMeter([(host as RunningHost).process.pid], kind === "postgres").start();
          await awaitDeliveries(env, receiver, expected);
          const drainResources = subscriptions === 0 ? null : drainMeter.stop();
          const drain = drainSeconds(receiver.receipts, expected, measuredTo);
          env.progress.step(
            `${result.runsPerSecond} runs/s with ${subscriptions} subscription(s)` +
              (subscriptions === 0
                ? ""
                : `; ${rate ?? "–"} deliveries/s meanwhile, the last ${drain === null ? "never arrived" : `${drain} s after the last run`} (host CPU ${drainResources?.measuredCpuSeconds ?? "–"} s in ${drainResources?.wallSeconds ?? "–"} s)`),
          );
          return {
            ...result,
            hostProcesses: 1,
            resources,
            subscriptions,
            durable,
            expectedDeliveries: expected,
            deliveries: receiver.receipts.length,
            duplicates: receiver.duplicates,
            deliveriesPerSecond: rate,
            drainSeconds: drain,
            drainResources,
          };
        } finally {
          await http.close();
        }
      },
      WEBHOOK_ENV,
    );
  } finally {
    await receiver.close();
  }
}

interface PacedRuns {
  runIds: Set<string>;
  /** Epoch ms when the first run was due. */
  startedAt: number;
  errors: number;
  firstError?: string;
}

/** Creates `count` chains at `perSecond`, each due at a fixed offset from the start (no drift), without following them. */
async function createPaced(http: HostClient, count: number, perSecond: number): Promise<PacedRuns> {
  const paced: PacedRuns = { runIds: new Set(), startedAt: Date.now(), errors: 0 };
  const started = performance.now();
  const creations: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + (i * 1000) / perSecond - performance.now()));
    creations.push(
      http.createRun(CHAIN_WORKFLOW.id).then(
        (created) => void paced.runIds.add(created.runId),
        (error: unknown) => {
          paced.errors += 1;
          paced.firstError ??= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(creations);
  return paced;
}

/** Event-to-delivery latency with `subscriptions` subscriptions of one receiver, at the paced load. */
async function measureLatency(
  env: BenchEnvironment,
  kind: HostKind,
  subscriptions: number,
): Promise<WebhookLatencyResult> {
  const runs = Math.min(env.options.runs, LATENCY_RUNS);
  const receiver = await startWebhookReceiver();
  try {
    return await withHosts(
      env,
      kind,
      `w7_latency_${subscriptions}`,
      1,
      async ([host]) => {
        const http = new HostClient((host as RunningHost).url, env.apiKey, SPARE_CONNECTIONS);
        try {
          await subscribe(http, receiver, subscriptions);
          env.progress.step(
            `${subscriptions} subscription(s): ${LATENCY_WARMUP_RUNS} warm-up runs, then ${runs}, ${LATENCY_RUNS_PER_SECOND} a second`,
          );
          const warm = await createPaced(http, LATENCY_WARMUP_RUNS, LATENCY_RUNS_PER_SECOND);
          // The counted runs start on a dispatcher with nothing left over from the warm-up.
          await awaitDeliveries(env, receiver, warm.runIds.size * CHAIN_EVENTS_PER_RUN * subscriptions);
          const meter = new ResourceMeter([(host as RunningHost).process.pid], kind === "postgres").start();
          const counted = await createPaced(http, runs, LATENCY_RUNS_PER_SECOND);
          const expected = (warm.runIds.size + counted.runIds.size) * CHAIN_EVENTS_PER_RUN * subscriptions;
          await awaitDeliveries(env, receiver, expected);
          const resources = meter.stop();
          const mine = receiptsOfRuns(receiver.receipts, counted.runIds);
          const last = lastArrival(mine);
          const firstError = warm.firstError ?? counted.firstError;
          const result: WebhookLatencyResult = {
            subscriptions,
            runsPerSecond: LATENCY_RUNS_PER_SECOND,
            runs: counted.runIds.size,
            warmupRuns: warm.runIds.size,
            expectedDeliveries: counted.runIds.size * CHAIN_EVENTS_PER_RUN * subscriptions,
            deliveries: mine.length,
            duplicates: receiver.duplicates,
            latencyMs: summarize(deliveryLatencies(mine)),
            deliveriesPerSecond: last === null ? null : deliveriesPerSecond(mine, counted.startedAt, last),
            errors: warm.errors + counted.errors,
            ...(firstError === undefined ? {} : { firstError }),
            resources,
          };
          env.progress.step(
            `delivery p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; ${result.deliveriesPerSecond ?? "–"} deliveries/s`,
          );
          return result;
        } finally {
          await http.close();
        }
      },
      WEBHOOK_ENV,
    );
  } finally {
    await receiver.close();
  }
}

/** Workload 7 on one host kind: runs/s without and with a subscription, then latency at 1 and 10. */
export async function measureWebhooks(env: BenchEnvironment, kind: HostKind): Promise<WebhooksResult> {
  env.progress.step("no subscription");
  const unsubscribed = await medianOf(env, () => measureThroughputOnce(env, kind, 0));
  env.progress.step("one subscription to every event type of the chain");
  const subscribed = await medianOf(env, () => measureThroughputOnce(env, kind, 1));
  const latency: WebhookLatencyResult[] = [];
  for (const subscriptions of LATENCY_SUBSCRIPTIONS) latency.push(await measureLatency(env, kind, subscriptions));
  return {
    eventTypes: [...CHAIN_EVENT_TYPES],
    eventsPerRun: CHAIN_EVENTS_PER_RUN,
    patienceSeconds: DELIVERY_STALL_MS / 1000,
    unsubscribed,
    subscribed,
    subscribedOverUnsubscribed: ratio(subscribed.runsPerSecond, unsubscribed.runsPerSecond, 3),
    latency,
  };
}
