import { randomUUID } from "node:crypto";
import type { RunEvent, RunPatch, RunRecord, RunStep } from "@openwop/storage";
import { RUN_PATCH_FIELDS } from "@openwop/storage";
import { ClaimLostError, RunNotFoundError, StorageConflictError } from "@openwop/storage";
import { copy } from "./copy.js";
import type { MemoryState } from "./memory-state.js";
import type { MemoryWebhooks } from "./memory-webhooks.js";

/** What a step appended, and how many webhook deliveries it recorded with the events. */
export interface AppliedStep {
  events: RunEvent[];
  deliveries: number;
}

/**
 * Applies one step to the state, all or nothing: every precondition is checked before the
 * first mutation, and nothing in between can yield, so no other call observes half a step.
 * The events take their feed positions and their webhook deliveries in the same call.
 */
export function applyStep(state: MemoryState, webhooks: MemoryWebhooks, step: RunStep): AppliedStep {
  // Another tenant's run is treated exactly as a missing one, before any other precondition.
  const stored = state.runOf(step.runId, step.tenantId);
  if (!stored) throw new RunNotFoundError(step.runId);
  const run = stored.record;

  if (step.fence && (run.claim?.holderId !== step.fence.holderId || run.claim.epoch !== step.fence.epoch)) {
    throw new ClaimLostError(step.runId, step.fence.holderId);
  }
  if (step.expectStatus && !step.expectStatus.includes(run.status)) {
    throw new StorageConflictError(
      `run ${step.runId} is ${run.status}, expected one of ${step.expectStatus.join(", ")}`,
      "run-status",
    );
  }
  const settling = new Set<string>();
  for (const settle of step.settleSuspensions ?? []) {
    const current = stored.suspensions.get(settle.suspensionId);
    if (!current || current.status !== settle.from || settling.has(settle.suspensionId)) {
      throw new StorageConflictError(
        `suspension ${settle.suspensionId} of run ${step.runId} is ${current ? current.status : "absent"}, expected ${settle.from}`,
        "suspension-state",
      );
    }
    settling.add(settle.suspensionId);
  }
  for (const suspension of step.createSuspensions ?? []) {
    if (suspension.runId !== step.runId) {
      throw new Error(
        `suspension ${suspension.suspensionId} names run ${suspension.runId}, but the step is for run ${step.runId}`,
      );
    }
    if (state.suspensionOwners.has(suspension.suspensionId)) {
      throw new StorageConflictError(`suspension ${suspension.suspensionId} already exists`, "suspension-state");
    }
  }

  for (const settle of step.settleSuspensions ?? []) {
    const current = stored.suspensions.get(settle.suspensionId);
    if (!current) continue;
    current.status = settle.to;
    current.resolvedAt = settle.resolvedAt;
    if (settle.resumeValue !== undefined) current.resumeValue = copy(settle.resumeValue);
  }
  for (const suspension of step.createSuspensions ?? []) {
    stored.suspensions.set(suspension.suspensionId, copy(suspension));
    state.suspensionOwners.set(suspension.suspensionId, step.runId);
  }
  const appended = (step.events ?? []).map((event): RunEvent => {
    run.lastSequence += 1;
    return { ...copy(event), eventId: randomUUID(), runId: step.runId, sequence: run.lastSequence };
  });
  stored.events.push(...appended);
  const deliveries = webhooks.record(run, appended, state.placeInFeed(stored, appended));
  if (step.patch) applyPatch(run, step.patch);
  if (step.releaseClaim) run.claim = null;
  return { events: copy(appended), deliveries };
}

function applyPatch(run: RunRecord, patch: RunPatch): void {
  const changes = copy(patch);
  for (const field of RUN_PATCH_FIELDS) {
    // An explicit `undefined` means "absent", exactly as it would after a JSON round trip.
    if (changes[field] !== undefined) Object.assign(run, { [field]: changes[field] });
  }
}
