import {
  StorageConflictError,
  type JsonObject,
  type JsonValue,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type StorageAdapter,
  type SuspensionRecord,
} from "@openwop/storage";
import { isTerminalStatus } from "@openwop/types";
import { validateInterruptResolution } from "@openwop/schema";
import { checkedBody } from "../validation.js";
import { ProtocolError, notFound, runBusy, validationError } from "../errors.js";
import { isJsonObject } from "../json.js";
import { APPROVAL_ACTIONS } from "../nodes/gates.js";
import { cancelInFlightNodes, runCancelledEvent } from "./cancellation.js";
import { runEvent } from "./events.js";
import { readEngineState, storeEngineState } from "./state.js";
import type { RunWorker } from "./worker.js";

const LEGACY_DECISIONS: Record<string, string> = { approved: "accept", rejected: "reject" };

/** Checks a resume value against what the suspended node asked for, and normalises legacy forms. */
export function normaliseResumeValue(kind: SuspensionRecord["kind"], body: unknown): JsonObject {
  const checked = checkedBody(validateInterruptResolution, body, "resolution body", "resumeValue");
  const resumeValue = (checked as unknown as { resumeValue: JsonObject }).resumeValue;
  if (kind === "approval") {
    const raw =
      resumeValue["action"] ??
      (typeof resumeValue["decision"] === "string" ? LEGACY_DECISIONS[resumeValue["decision"]] : undefined);
    if (typeof raw !== "string" || !(APPROVAL_ACTIONS as readonly string[]).includes(raw)) {
      throw validationError(`an approval needs resumeValue.action, one of ${APPROVAL_ACTIONS.join(", ")}`, {
        field: "resumeValue.action",
        allowed: [...APPROVAL_ACTIONS],
      });
    }
    return { ...resumeValue, action: raw };
  }
  if (kind === "clarification") {
    const answers = resumeValue["answers"];
    if (isJsonObject(answers)) return { answers };
    if (
      Array.isArray(answers) &&
      answers.every((a) => isJsonObject(a) && typeof a["id"] === "string" && "answer" in a)
    ) {
      const map: JsonObject = {};
      for (const item of answers as JsonObject[]) map[item["id"] as string] = item["answer"] as JsonValue;
      return { answers: map };
    }
    throw validationError(
      "a clarification needs resumeValue.answers, a map of question id to answer or an array of {id, answer}",
      {
        field: "resumeValue.answers",
      },
    );
  }
  return resumeValue;
}

/**
 * Resolves a pending interrupt: records the decision, marks the node resumed and makes
 * the run runnable again, all in one step guarded by the suspension's state — so of two
 * concurrent resolutions exactly one wins and the other gets 409.
 */
export async function resolveInterrupt(
  store: StorageAdapter,
  run: RunRecord,
  nodeId: string,
  body: unknown,
  now: number,
): Promise<{ runId: string; nodeId: string; status: RunStatus }> {
  const tenantId = run.tenantId;
  const suspensions = (await store.listSuspensions(run.runId, { tenantId })).filter((s) => s.nodeId === nodeId);
  const pending = suspensions.find((s) => s.status === "pending");
  if (!pending) {
    if (suspensions.some((s) => s.status === "cancelled") || run.status === "cancelled") {
      throw new ProtocolError("interrupt_cancelled", `the interrupt at node ${nodeId} was cancelled with its run`);
    }
    if (suspensions.some((s) => s.status === "resolved")) {
      throw new ProtocolError("interrupt_already_resolved", `the interrupt at node ${nodeId} is already resolved`);
    }
    throw new ProtocolError("interrupt_not_found", `run ${run.runId} has no interrupt at node ${nodeId}`);
  }
  const resumeValue = normaliseResumeValue(pending.kind, body);
  const at = new Date(now).toISOString();
  const state = readEngineState(structuredClone(run.engineState));
  state.nodes[nodeId] = { ...(state.nodes[nodeId] ?? { status: "pending" }), status: "resumed", resumeValue };
  // A paused run keeps its pause: the answer is recorded, and the resume lets it go on.
  const status = run.status === "paused" ? "paused" : "running";
  const events = [
    runEvent(
      "interrupt.resolved",
      { runId: run.runId, nodeId, interruptId: pending.suspensionId, kind: pending.kind, resumeValue, resolvedAt: at },
      now,
      nodeId,
    ),
    pending.kind === "approval"
      ? runEvent("approval.received", { nodeId, ...resumeValue, decidedAt: at }, now, nodeId)
      : runEvent("clarification.resolved", { nodeId, answers: resumeValue["answers"] ?? {} }, now, nodeId),
    runEvent("node.resumed", { nodeId, interruptId: pending.suspensionId }, now, nodeId),
  ];
  try {
    await store.commitStep({
      runId: run.runId,
      tenantId,
      events,
      patch: { status, currentNodeId: null, engineState: storeEngineState(state), updatedAt: at },
      expectStatus: [run.status],
      settleSuspensions: [
        { suspensionId: pending.suspensionId, from: "pending", to: "resolved", resolvedAt: at, resumeValue },
      ],
    });
  } catch (error) {
    if (error instanceof StorageConflictError) {
      throw new ProtocolError(
        "interrupt_already_resolved",
        `the interrupt at node ${nodeId} was resolved concurrently`,
      );
    }
    throw error;
  }
  return { runId: run.runId, nodeId, status };
}

/**
 * Cancels a run. A run executing in this process is stopped directly and cancels itself;
 * a run nobody executes (pending, waiting, or whose holder died) is cancelled here in one
 * step; a run executing in another process is flagged, and its holder notices.
 * `onTerminal` hears of a run cancelled here, as an executing run's holder would report it.
 */
export async function cancelRun(
  store: StorageAdapter,
  worker: RunWorker,
  tenantId: string,
  runId: string,
  now: () => number,
  onTerminal?: (run: RunRecord) => void,
): Promise<{ runId: string; status: RunStatus }> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const run = await store.getRun(runId, tenantId);
    if (!run) throw notFound(`run ${runId} does not exist`);
    if (isTerminalStatus(run.status)) return { runId, status: run.status };
    try {
      if (worker.isExecuting(runId)) {
        await store.commitStep({
          runId,
          tenantId,
          patch: { cancelRequested: true, status: "cancelling" },
          expectStatus: [run.status],
        });
        worker.stopRun(runId, "cancel");
        return { runId, status: "cancelling" };
      }
      const heldElsewhere = run.claim !== null && run.claim.expiresAt > now();
      if (heldElsewhere) {
        await store.commitStep({
          runId,
          tenantId,
          patch: { cancelRequested: true, status: "cancelling" },
          expectStatus: [run.status],
        });
        return { runId, status: "cancelling" };
      }
      const cancelled = await cancelIdleRun(store, run, now());
      onTerminal?.(cancelled);
      return { runId, status: "cancelled" };
    } catch (error) {
      if (error instanceof StorageConflictError) continue; // the run moved on under us: look again
      throw error;
    }
  }
  throw runBusy(runId, "cancelled");
}

/** Cancels a run nobody executes in one step; returns the run as committed. */
async function cancelIdleRun(store: StorageAdapter, run: RunRecord, now: number): Promise<RunRecord> {
  const at = new Date(now).toISOString();
  const state = readEngineState(structuredClone(run.engineState));
  const events = [...cancelInFlightNodes(state, "run cancelled", now), runCancelledEvent(run.startedAt, now)];
  const pending = await store.listSuspensions(run.runId, { status: "pending", tenantId: run.tenantId });
  const patch = {
    status: "cancelled",
    cancelRequested: true,
    currentNodeId: null,
    completedAt: at,
    updatedAt: at,
    engineState: storeEngineState(state),
  } satisfies RunPatch;
  await store.commitStep({
    runId: run.runId,
    tenantId: run.tenantId,
    events,
    patch,
    expectStatus: [run.status],
    releaseClaim: true,
    settleSuspensions: pending.map((s) => ({
      suspensionId: s.suspensionId,
      from: "pending" as const,
      to: "cancelled" as const,
      resolvedAt: at,
    })),
  });
  return { ...run, ...patch, claim: null };
}
