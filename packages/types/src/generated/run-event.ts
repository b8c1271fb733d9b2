// generated — do not edit; run pnpm generate
// Source: schemas/run-event.schema.json (packages/types/scripts/generate.mjs).

/**
 * One entry of a run's append-only event log, as served by SSE, poll, webhooks and debug bundles. The envelope is closed; the event type is deliberately open so that readers accept event types added after they were written.
 */
export interface RunEvent {
  /**
   * Globally unique, opaque identifier of this event.
   */
  eventId: string;
  runId: string;
  /**
   * Event type such as "run.started" or "node.completed". Not an enum: readers must not reject types they do not know.
   */
  type: string;
  /**
   * Type-specific data; any JSON value.
   */
  payload: unknown;
  timestamp: string;
  /**
   * Position in the run's log: 0 for the first event, then gapless and strictly increasing by one.
   */
  sequence: number;
  /**
   * Present on node-scoped events.
   */
  nodeId?: string;
  /**
   * Version of this event type's payload shape (1 in v1).
   */
  schemaVersion?: number;
  /**
   * Decimal string of the writing engine's integer version.
   */
  engineVersion?: string;
  /**
   * eventId of the event that caused this one.
   */
  causationId?: string;
}
