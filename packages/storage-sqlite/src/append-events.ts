import { randomUUID } from "node:crypto";
import type { NewRunEvent, RunEvent } from "@openwop/storage";
import type { Statements } from "./statements.js";

/** Where appended events go: the run, its tenant, and the first sequence and feed position they take. */
export interface AppendAt {
  runId: string;
  tenantId: string;
  firstSequence: number;
  /** Consecutive positions from here, allocated by the caller in the same transaction. */
  firstPosition: number;
}

/**
 * Inserts events with consecutive sequences and feed positions. Runs inside the caller's
 * transaction; each payload is serialised exactly once, and the returned events are built
 * from the inputs rather than read back (their payloads are the caller's own objects: the
 * stored copy is the serialised text, which no reference can reach).
 */
export function appendEvents(statements: Statements, at: AppendAt, events: readonly NewRunEvent[]): RunEvent[] {
  const { runId, tenantId, firstSequence, firstPosition } = at;
  return events.map((event, index): RunEvent => {
    const sequence = firstSequence + index;
    const eventId = randomUUID();
    statements.insertEvent.run(
      runId,
      sequence,
      eventId,
      event.type,
      JSON.stringify(event.payload),
      event.timestamp,
      event.nodeId ?? null,
      event.schemaVersion ?? null,
      event.engineVersion ?? null,
      event.causationId ?? null,
      tenantId,
      firstPosition + index,
    );
    const appended: RunEvent = {
      eventId,
      runId,
      type: event.type,
      payload: event.payload,
      timestamp: event.timestamp,
      sequence,
    };
    if (event.nodeId !== undefined) appended.nodeId = event.nodeId;
    if (event.schemaVersion !== undefined) appended.schemaVersion = event.schemaVersion;
    if (event.engineVersion !== undefined) appended.engineVersion = event.engineVersion;
    if (event.causationId !== undefined) appended.causationId = event.causationId;
    return appended;
  });
}
