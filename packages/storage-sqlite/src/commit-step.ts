import type Database from "better-sqlite3";
import type { RunEvent, RunStep } from "@openwop/storage";
import { ClaimLostError, RunNotFoundError, StorageConflictError } from "@openwop/storage";
import { appendEvents } from "./append-events.js";
import { RunUpdateStatements } from "./run-update-statements.js";
import type { SqlFlag, Statements } from "./statements.js";
import type { WebhookStatements } from "./webhook-statements.js";
import { allocateFeedPositions, recordDeliveries } from "./webhooks.js";

export interface CommittedStep {
  events: RunEvent[];
  /** The run's last sequence after the step. */
  lastSequence: number;
  /** Webhook deliveries recorded with the events. */
  deliveries: number;
}

const flag = (present: boolean): SqlFlag => (present ? 1 : 0);

/**
 * Builds the step writer. It runs inside the group commit's `BEGIN IMMEDIATE` transaction
 * (in its own savepoint), so the write lock is held before the run row is read: the
 * preconditions and the sequence it reads cannot change underneath it, even with another
 * connection on the same file. A failed precondition throws, and the throw rolls back
 * everything the step already wrote. The events take their feed positions and their webhook
 * deliveries (the outbox) in the same transaction.
 */
export function createStepWriter(
  db: Database.Database,
  statements: Statements,
  webhookStatements: WebhookStatements,
): (step: RunStep) => CommittedStep {
  const runUpdates = new RunUpdateStatements(db);
  return (step: RunStep): CommittedStep => {
    const { runId } = step;
    const head = statements.selectRunHead.get(runId);
    // Another tenant's run is exactly a missing one, checked before anything else under the write lock.
    if (!head || (step.tenantId !== undefined && head.tenant_id !== step.tenantId)) throw new RunNotFoundError(runId);
    if (step.fence && (head.claim_holder_id !== step.fence.holderId || head.claim_epoch !== step.fence.epoch)) {
      throw new ClaimLostError(runId, step.fence.holderId);
    }
    if (step.expectStatus && !(step.expectStatus as readonly string[]).includes(head.status)) {
      throw new StorageConflictError(
        `run ${runId} is ${head.status}, expected one of ${step.expectStatus.join(", ")}`,
        "run-status",
      );
    }

    for (const settle of step.settleSuspensions ?? []) {
      const settled = statements.settleSuspension.run({
        suspensionId: settle.suspensionId,
        runId,
        from: settle.from,
        to: settle.to,
        resolvedAt: settle.resolvedAt,
        setResumeValue: flag(settle.resumeValue !== undefined),
        resumeValueJson: settle.resumeValue === undefined ? null : JSON.stringify(settle.resumeValue),
      });
      if (settled.changes === 0) {
        throw new StorageConflictError(
          `suspension ${settle.suspensionId} of run ${runId} is not ${settle.from}`,
          "suspension-state",
        );
      }
    }
    for (const suspension of step.createSuspensions ?? []) {
      if (suspension.runId !== runId) {
        throw new Error(
          `suspension ${suspension.suspensionId} names run ${suspension.runId}, but the step is for run ${runId}`,
        );
      }
      const inserted = statements.insertSuspension.run({
        suspensionId: suspension.suspensionId,
        runId,
        nodeId: suspension.nodeId,
        kind: suspension.kind,
        status: suspension.status,
        dataJson: JSON.stringify(suspension.data),
        createdAt: suspension.createdAt,
        resolvedAt: suspension.resolvedAt,
        resumeValueJson: JSON.stringify(suspension.resumeValue),
      });
      if (inserted.changes === 0) {
        throw new StorageConflictError(`suspension ${suspension.suspensionId} already exists`, "suspension-state");
      }
    }

    const newEvents = step.events ?? [];
    let events: RunEvent[] = [];
    let deliveries = 0;
    if (newEvents.length > 0) {
      const firstPosition = allocateFeedPositions(webhookStatements, newEvents.length);
      const at = { runId, tenantId: head.tenant_id, firstSequence: head.last_sequence + 1, firstPosition };
      events = appendEvents(statements, at, newEvents);
      const run = { runId, tenantId: head.tenant_id, tags: () => runTags(webhookStatements, runId) };
      deliveries = recordDeliveries(webhookStatements, run, events, firstPosition);
    }
    const lastSequence = head.last_sequence + events.length;
    runUpdates.apply(runId, step.patch ?? {}, events.length > 0 ? lastSequence : null, step.releaseClaim === true);
    return { events, lastSequence, deliveries };
  };
}

function runTags(statements: WebhookStatements, runId: string): string[] {
  const json = statements.selectRunTags.get(runId);
  return json === undefined ? [] : (JSON.parse(json) as string[]);
}
