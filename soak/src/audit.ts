import type { Cluster } from "./cluster.js";
import { inBatches } from "./drain.js";
import { call, sleep } from "./http.js";
import {
  checkDelivered,
  checkFollowed,
  checkRunLog,
  checkStoredCount,
  checkUnchanged,
  type LogRead,
  type LoggedEvent,
} from "./invariants.js";
import type { Ledger, TrackedRun } from "./ledger.js";
import type { LoadGenerator } from "./load.js";
import type { Random } from "./random.js";
import type { WebhookReceiver } from "./receiver.js";

/** The event types the soak's subscription asks for. */
export const SUBSCRIBED_TYPES = ["node.completed", "run.completed", "run.failed", "run.cancelled"] as const;
/** Runs verified in earlier cycles that each cycle reads again. */
const RECHECK_SAMPLE = 40;
/** Idempotency keys of earlier cycles that each cycle retries again. */
const OLD_KEY_SAMPLE = 20;
const CONCURRENCY = 6;

export interface AuditFigures {
  runsChecked: number;
  eventsChecked: number;
  rechecked: number;
  keysRetried: number;
  followersChecked: number;
  sseResumes: number;
  deliveriesChecked: number;
  storedRuns: number;
  /** Runs of this cycle whose log began before the SIGKILL and ended after it. */
  inFlightAtKill: number;
}

/** What a run must end with, given how it was driven. */
function expectedTerminal(run: TrackedRun): string {
  return run.kind === "cancellable" ? "run.cancelled" : "run.completed";
}

/** Reads a run's whole log through the poll route, page after page. */
export async function readLog(url: string, apiKey: string, runId: string): Promise<LogRead> {
  const events: LoggedEvent[] = [];
  let cursor: number | undefined;
  for (;;) {
    // timeout=1: the shortest long-poll wait every host version accepts; a finished run never waits.
    const query = cursor === undefined ? "?timeout=1" : `?timeout=1&lastSequence=${cursor}`;
    const answer = await call(url, apiKey, `/v1/runs/${runId}/events/poll${query}`);
    if (answer.status !== 200) return { found: false, status: answer.status };
    const page = answer.json as { events: LoggedEvent[]; isComplete: boolean };
    events.push(
      ...page.events.map(({ sequence, type, nodeId, timestamp }) => ({
        sequence,
        type,
        ...(nodeId ? { nodeId } : {}),
        ...(timestamp ? { timestamp } : {}),
      })),
    );
    if (page.events.length === 0 || page.isComplete) return { found: true, events };
    cursor = page.events.at(-1)?.sequence;
  }
}

/**
 * Checks every invariant over everything acknowledged so far, once the store is at rest:
 * the logs of this cycle's runs in full, a sample of earlier ones again, the SSE followers
 * against the logs, the idempotency keys by retrying them, the webhook deliveries, and the
 * number of runs in storage. Violations go to the ledger.
 */
export async function audit(
  cluster: Cluster,
  ledger: Ledger,
  load: LoadGenerator,
  receiver: WebhookReceiver,
  random: Random,
  killedAt: number,
): Promise<AuditFigures> {
  const url = (): string => cluster.url(random) ?? "http://127.0.0.1:1";
  const figures: AuditFigures = {
    runsChecked: 0,
    eventsChecked: 0,
    rechecked: 0,
    keysRetried: 0,
    followersChecked: 0,
    sseResumes: 0,
    deliveriesChecked: 0,
    storedRuns: 0,
    inFlightAtKill: 0,
  };
  const runs = [...ledger.runs.values()];
  const fresh = runs.filter((run) => run.verified === undefined && run.terminalStatus !== "lost");
  const earlier = random.sample(
    runs.filter((run) => run.verified !== undefined),
    RECHECK_SAMPLE,
  );
  const logs = new Map<string, LoggedEvent[]>();
  const expectedDeliveries: string[] = [];

  await inBatches(fresh, CONCURRENCY, async (run) => {
    const read = await readLog(url(), cluster.apiKey, run.runId);
    for (const violation of checkRunLog(run.runId, read, expectedTerminal(run))) ledger.violate(violation);
    figures.runsChecked += 1;
    if (!read.found) return;
    figures.eventsChecked += read.events.length;
    logs.set(run.runId, read.events);
    const began = Date.parse(read.events[0]?.timestamp ?? "");
    const ended = Date.parse(read.events.at(-1)?.timestamp ?? "");
    if (began < killedAt && ended > killedAt) figures.inFlightAtKill += 1;
    run.verified = { events: read.events.length, terminalType: read.events.at(-1)?.type ?? "nothing" };
    for (const event of read.events)
      if ((SUBSCRIBED_TYPES as readonly string[]).includes(event.type))
        expectedDeliveries.push(`${run.runId}:${event.sequence}`);
  });
  await inBatches(earlier, CONCURRENCY, async (run) => {
    const read = await readLog(url(), cluster.apiKey, run.runId);
    if (run.verified) for (const violation of checkUnchanged(run.runId, run.verified, read)) ledger.violate(violation);
    figures.rechecked += 1;
    if (read.found) figures.eventsChecked += read.events.length;
  });

  // Followers of this cycle's runs; each had until the drain's end, and gets a little more.
  const followers = load.followers.splice(0);
  await Promise.race([Promise.all(followers.map((f) => f.done)), sleep(10_000)]);
  for (const follower of followers) {
    follower.stop();
    const log = logs.get(follower.runId);
    for (const violation of follower.violations) ledger.violate(violation);
    if (log)
      for (const violation of checkFollowed(follower.runId, follower.frames, follower.finished, log))
        ledger.violate(violation);
    figures.followersChecked += 1;
    figures.sseResumes += follower.resumes;
  }

  // Every key of this cycle again, and some of earlier ones: after the kill, each must still name its run.
  const keys = [...ledger.keys.entries()];
  const thisCycle = keys.filter(([, answer]) => ledger.runs.get(answer.runId)?.cycle === ledger.cycle);
  const older = random.sample(
    keys.filter(([, answer]) => ledger.runs.get(answer.runId)?.cycle !== ledger.cycle),
    OLD_KEY_SAMPLE,
  );
  await inBatches([...thisCycle, ...older], CONCURRENCY, async ([key, answer]) => {
    await load.createWithKey(url(), { key, body: answer.body });
    figures.keysRetried += 1;
  });

  // Deliveries are at-least-once and asynchronous: give the dispatchers time to catch up.
  const deadline = Date.now() + 30_000;
  while (expectedDeliveries.some((key) => !receiver.delivered.has(key)) && Date.now() < deadline) await sleep(100);
  for (const violation of checkDelivered(expectedDeliveries, receiver.delivered)) ledger.violate(violation);
  figures.deliveriesChecked = expectedDeliveries.length;

  figures.storedRuns = await cluster.storedRuns();
  for (const violation of checkStoredCount(figures.storedRuns, ledger.runs.size, ledger.unansweredPlainCreates))
    ledger.violate(violation);
  return figures;
}

/**
 * After the last cycle: reads every acknowledged run once more, so the per-cycle samples are
 * backed by one full pass — a run lost in any cycle shows here at the latest.
 */
export async function sweepAll(cluster: Cluster, ledger: Ledger, random: Random): Promise<number> {
  const url = (): string => cluster.url(random) ?? "http://127.0.0.1:1";
  const verified = [...ledger.runs.values()].filter((run) => run.verified !== undefined);
  await inBatches(verified, 2 * CONCURRENCY, async (run) => {
    const read = await readLog(url(), cluster.apiKey, run.runId);
    if (run.verified) for (const violation of checkUnchanged(run.runId, run.verified, read)) ledger.violate(violation);
  });
  return verified.length;
}
