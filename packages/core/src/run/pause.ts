import { validatePauseRunRequest } from "@openwop/schema";
import { StorageConflictError, type RunRecord, type RunStatus, type StorageAdapter } from "@openwop/storage";
import { isTerminalStatus, type DrainPolicy, type PauseRunRequest } from "@openwop/types";
import { ProtocolError, notFound, runBusy, validationError } from "../errors.js";
import { checkedBody } from "../validation.js";
import { runEvent } from "./events.js";
import type { RunWorker } from "./worker.js";

/** The drain policies this engine honours, the default first (core.md §6.11). */
export const DRAIN_POLICIES: readonly DrainPolicy[] = ["drain-current-node", "immediate"];

/**
 * How long a drain waits for the node executing in this process before the pause takes
 * effect anyway, as `immediate`. Built-in nodes settle in one step; this bounds a slow
 * host-registered node so a pause request is answered promptly.
 */
export const DRAIN_TIMEOUT_MS = 5_000;

/** Compare-and-set attempts before a pause or resume gives up on a run that keeps changing. */
const ATTEMPTS = 5;

/** The statuses a pause may start from. */
const PAUSABLE: ReadonlySet<RunStatus> = new Set([
  "pending",
  "running",
  "waiting-approval",
  "waiting-input",
  "waiting-external",
]);

export interface PauseOutcome {
  runId: string;
  status: "paused";
  pausedAt: string;
}

export interface ResumeOutcome {
  runId: string;
  status: RunStatus;
  resumedAt: string;
}

/** The body of `POST /v1/runs/{runId}:pause`: absent, or the closed `{reason?, drainPolicy?}`. */
export function parsePauseRequest(body: unknown): PauseRunRequest {
  if (body === undefined) return {};
  return checkedBody(validatePauseRunRequest, body, "pause body", "body");
}

/** The body of `POST /v1/runs/{runId}:resume`: absent or `{}`; a resume has nothing to say. */
export function parseResumeRequest(body: unknown): void {
  if (body === undefined) return;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw validationError("a resume body, when sent, is the empty object {}", { field: "body" });
  }
  const member = Object.keys(body)[0];
  if (member !== undefined) {
    throw validationError(`a resume body has no members; ${member.slice(0, 64)} is not one`, {
      field: member.slice(0, 64),
    });
  }
}

/**
 * Pauses a run: from the next step on it starts no node until it is resumed, in any process.
 *
 * The pause is one compare-and-set on the run's status, with its `run.paused` event, that
 * also releases the claim — so a paused run is never claimable and survives restarts and
 * takeovers as it is. It never writes the engine's progress: an execution still running
 * when the pause commits (another process's, or this one's under `immediate`) fails its
 * next write on the status and stops, and what it had not committed runs again after the
 * resume, exactly as after a takeover. Under `drain-current-node` a run executing in this
 * process first finishes its current node and commits it; a run executing elsewhere cannot
 * be drained from here, and is paused as `immediate` (the event says which policy applied).
 */
export async function pauseRun(
  store: StorageAdapter,
  worker: RunWorker,
  run: RunRecord,
  request: PauseRunRequest,
  now: () => number,
): Promise<PauseOutcome> {
  const { runId, tenantId } = run;
  const requested = request.drainPolicy ?? "drain-current-node";
  const release = worker.hold(runId);
  try {
    let applied: DrainPolicy = requested;
    if (requested === "drain-current-node" && worker.isExecuting(runId)) {
      const drained = await worker.drain(runId, DRAIN_TIMEOUT_MS);
      if (!drained) applied = "immediate";
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const current = await store.getRun(runId, tenantId);
      if (!current) throw notFound(`run ${runId} does not exist`);
      if (!PAUSABLE.has(current.status)) throw await notPausable(store, current);
      const heldElsewhere = current.claim !== null && current.claim.expiresAt > now() && !worker.isExecuting(runId);
      const policy: DrainPolicy = heldElsewhere ? "immediate" : applied;
      // One instant for the answer, the event and the row, so they never disagree by a tick.
      const at = now();
      const pausedAt = new Date(at).toISOString();
      try {
        await store.commitStep({
          runId,
          tenantId,
          events: [
            runEvent(
              "run.paused",
              {
                ...(request.reason === undefined ? {} : { reason: request.reason }),
                drainPolicy: policy,
                pausedBy: "api",
                pausedAt,
                previousStatus: current.status,
              },
              at,
            ),
          ],
          patch: { status: "paused", updatedAt: pausedAt },
          expectStatus: [current.status],
          releaseClaim: true,
        });
      } catch (error) {
        if (error instanceof StorageConflictError) continue; // it moved on under us: look again
        throw error;
      }
      // An execution of this process (immediate) stops now instead of at its next write.
      worker.stopRun(runId, "pause");
      return { runId, status: "paused", pausedAt };
    }
    throw runBusy(runId, "paused");
  } finally {
    release();
  }
}

/**
 * Resumes a paused run to the status it would have without the pause: waiting on the
 * interrupt it still has open, `pending` if it never started, `running` otherwise.
 */
export async function resumeRun(
  store: StorageAdapter,
  worker: RunWorker,
  run: RunRecord,
  now: () => number,
): Promise<ResumeOutcome> {
  const { runId, tenantId } = run;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const current = attempt === 0 ? run : await store.getRun(runId, tenantId);
    if (!current) throw notFound(`run ${runId} does not exist`);
    if (current.status !== "paused") {
      throw new ProtocolError("run_not_paused", `run ${runId} is ${current.status}, not paused`, {
        runStatus: current.status,
      });
    }
    const status = await statusAfterPause(store, current);
    const at = now();
    const resumedAt = new Date(at).toISOString();
    try {
      await store.commitStep({
        runId,
        tenantId,
        events: [runEvent("run.resumed", { resumedBy: "api", resumedAt, status }, at)],
        patch: { status, updatedAt: resumedAt },
        expectStatus: ["paused"],
      });
    } catch (error) {
      if (error instanceof StorageConflictError) continue;
      throw error;
    }
    worker.poke();
    return { runId, status, resumedAt };
  }
  throw runBusy(runId, "resumed");
}

async function statusAfterPause(store: StorageAdapter, run: RunRecord): Promise<RunStatus> {
  const open = await store.listSuspensions(run.runId, { status: "pending", tenantId: run.tenantId });
  const waiting = open[0];
  if (waiting) return waiting.kind === "approval" ? "waiting-approval" : "waiting-input";
  return run.startedAt === null ? "pending" : "running";
}

/** The 409 for a run that cannot be paused; a paused run's answer says since when. */
async function notPausable(store: StorageAdapter, run: RunRecord): Promise<ProtocolError> {
  const state = isTerminalStatus(run.status)
    ? "has ended"
    : run.status === "paused"
      ? "is paused already"
      : "is being cancelled";
  const pausedAt = run.status === "paused" ? await lastPausedAt(store, run) : undefined;
  return new ProtocolError("run_not_pausable", `run ${run.runId} ${state} (${run.status})`, {
    runStatus: run.status,
    ...(pausedAt === undefined ? {} : { pausedAt }),
  });
}

/** When the paused run was paused: its latest `run.paused`, among the last events of its log. */
async function lastPausedAt(store: StorageAdapter, run: RunRecord): Promise<string | undefined> {
  // While paused the log grows only by an interrupt's resolution (three events), so the pause is near the end.
  const tail = await store.readEvents(run.runId, {
    fromSequence: Math.max(0, run.lastSequence - 15),
    limit: 16,
    tenantId: run.tenantId,
  });
  const paused = tail.filter((event) => event.type === "run.paused").at(-1);
  const at = (paused?.payload as { pausedAt?: unknown } | undefined)?.pausedAt;
  return typeof at === "string" ? at : undefined;
}
