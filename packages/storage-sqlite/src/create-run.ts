import type { RunCreation, RunEvent } from "@openwop/storage";
import { StorageConflictError } from "@openwop/storage";
import { appendEvents } from "./append-events.js";
import type { Statements } from "./statements.js";
import type { WebhookStatements } from "./webhook-statements.js";
import { allocateFeedPositions, recordDeliveries } from "./webhooks.js";

/** What a run creation wrote: its first events, and how many webhook deliveries came with them. */
export interface CreatedRun {
  events: RunEvent[];
  deliveries: number;
}

/**
 * Writes a run creation: idempotency answer, run row, first events with their feed positions,
 * and the webhook deliveries of those events. Runs inside the group commit's savepoint, so
 * they commit together or not at all. The idempotency insert
 * goes first, so a concurrent retry under the same key loses on the key's primary key.
 */
export function writeRunCreation(
  statements: Statements,
  webhookStatements: WebhookStatements,
  creation: RunCreation,
): CreatedRun {
  const { run, events = [], idempotency } = creation;
  if (idempotency) {
    const inserted = statements.insertIdempotency.run({
      recordKey: idempotency.recordKey,
      tenantId: idempotency.tenantId,
      endpoint: idempotency.endpoint,
      requestDigest: idempotency.requestDigest,
      state: "completed",
      // A completed record has no lease; 0 reads as "long expired" and keeps the column NOT NULL.
      leaseExpiresAt: 0,
      responseJson: JSON.stringify(idempotency.response),
      createdAt: idempotency.createdAt,
    });
    if (inserted.changes === 0) {
      throw new StorageConflictError(
        `idempotency key ${idempotency.recordKey} is already recorded`,
        "idempotency-exists",
      );
    }
  }
  const inserted = statements.insertRun.run({
    runId: run.runId,
    tenantId: run.tenantId,
    workflowId: run.workflowId,
    status: run.status,
    definitionJson: JSON.stringify(run.definition),
    inputsJson: JSON.stringify(run.inputs),
    variablesJson: JSON.stringify(run.variables),
    configurableJson: JSON.stringify(run.configurable),
    tagsJson: JSON.stringify(run.tags),
    metadataJson: JSON.stringify(run.metadata),
    currentNodeId: run.currentNodeId,
    errorJson: run.error === null ? null : JSON.stringify(run.error),
    engineStateJson: JSON.stringify(run.engineState),
    cancelRequested: run.cancelRequested ? 1 : 0,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    updatedAt: run.updatedAt,
    lastSequence: events.length - 1,
  });
  if (inserted.changes === 0) throw new StorageConflictError(`run ${run.runId} already exists`, "run-exists");
  for (const tag of run.tags) {
    statements.insertRunTag.run({ tenantId: run.tenantId, tag, createdAt: run.createdAt, runId: run.runId });
  }
  if (events.length === 0) return { events: [], deliveries: 0 };
  const firstPosition = allocateFeedPositions(webhookStatements, events.length);
  const appended = appendEvents(
    statements,
    { runId: run.runId, tenantId: run.tenantId, firstSequence: 0, firstPosition },
    events,
  );
  const deliveries = recordDeliveries(
    webhookStatements,
    { runId: run.runId, tenantId: run.tenantId, tags: () => run.tags },
    appended,
    firstPosition,
  );
  return { events: appended, deliveries };
}
