import type { Cluster } from "./cluster.js";
import { call, NoAnswerError, sleep } from "./http.js";
import type { Ledger, TrackedRun } from "./ledger.js";
import type { LoadGenerator } from "./load.js";
import type { Random } from "./random.js";

const TERMINAL_STATUSES = new Set(["completed", "failed", "cancelled"]);
const CONCURRENCY = 6;

/**
 * Brings the store to rest after a crash: answers every idempotent create that got no
 * answer (by retrying its key), resolves the approvals and cancels the cancellable runs
 * still open, and waits until every acknowledged run is terminal. A run that does not get
 * there within `timeoutMs` is a violation: the hosts did not recover it.
 */
export async function drain(
  cluster: Cluster,
  ledger: Ledger,
  load: LoadGenerator,
  random: Random,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const url = (): string => {
    const live = cluster.url(random);
    if (live === undefined) throw new Error("no host is up to drain against");
    return live;
  };
  while (ledger.unanswered.size > 0 && Date.now() < deadline) {
    for (const create of [...ledger.unanswered.values()]) {
      await load.createWithKey(url(), create).catch(ignoreNoAnswer);
    }
    if (ledger.unanswered.size > 0) await sleep(100);
  }
  for (const key of ledger.unanswered.keys()) ledger.violate(`idempotent create ${key} never got an answer`);
  ledger.unanswered.clear();

  // A subscription paused by the load holds its deliveries back; the check needs them sent.
  let resumed = false;
  while (!resumed && Date.now() < deadline) {
    resumed = await load.setWebhook(url(), "resume").catch((error: unknown) => {
      ignoreNoAnswer(error);
      return false;
    });
    if (!resumed) await sleep(100);
  }

  let open = [...ledger.runs.values()].filter((run) => run.terminalStatus === undefined);
  while (open.length > 0 && Date.now() < deadline) {
    await inBatches(open, CONCURRENCY, (run) => settle(cluster, ledger, load, url(), run).catch(ignoreNoAnswer));
    open = open.filter((run) => run.terminalStatus === undefined);
    if (open.length > 0) await sleep(100);
  }
  for (const run of open)
    ledger.violate(`run ${run.runId} (${run.workflowId}) did not end within ${timeoutMs} ms of the restart`);
  // Stop following what never ended, so the check does not wait for it.
  for (const run of open) run.terminalStatus = "stuck";
  removeSettled(load.approvals);
  removeSettled(load.cancellables);
}

/** One look at an open run: note its end, or push it on (resolve, cancel) when it waits on us. */
async function settle(
  cluster: Cluster,
  ledger: Ledger,
  load: LoadGenerator,
  url: string,
  run: TrackedRun,
): Promise<void> {
  const answer = await call(url, cluster.apiKey, `/v1/runs/${run.runId}`);
  if (answer.status === 404 || answer.status === 410) {
    ledger.violate(`acknowledged run ${run.runId} is lost: GET /v1/runs/{id} answered ${answer.status}`);
    run.terminalStatus = "lost";
    return;
  }
  if (answer.status !== 200) return;
  const status = String((answer.json as { status?: unknown }).status);
  if (TERMINAL_STATUSES.has(status)) {
    run.terminalStatus = status;
    return;
  }
  if (run.kind === "approval" && status === "waiting-approval") await load.resolve(url, run);
  if (run.kind === "cancellable" && !run.cancelAcknowledged) await load.cancel(url, run);
}

function removeSettled(runs: TrackedRun[]): void {
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i]?.terminalStatus !== undefined) runs.splice(i, 1);
}

function ignoreNoAnswer(error: unknown): void {
  if (!(error instanceof NoAnswerError)) throw error;
}

export async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
