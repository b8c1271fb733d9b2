import { randomUUID } from "node:crypto";
import type { JsonValue, NewRunEvent, RunEvent } from "@openwop/storage";

/**
 * A batch of new events as column arrays, unpacked server-side by `unnest`, so a step
 * inserts any number of events in a single statement without building SQL.
 *
 * Arrays rather than one JSON document on purpose: Postgres' JSON functions
 * (`json_to_recordset`, `->`) refuse strings containing `\u0000`, while the `json` type
 * itself stores them; column arrays hand each payload to the `json` type untouched.
 */
export interface EventBatch {
  count: number;
  /** The eight column arrays, in the order {@link unnestEvents} expects them. */
  columns: [
    string[],
    string[],
    string[],
    string[],
    (string | null)[],
    (number | null)[],
    (string | null)[],
    (string | null)[],
  ];
  /** Each event's timestamp as epoch milliseconds (0 when it does not parse): when its deliveries are due. */
  dueMs: number[];
  /** The events as the log stores them, once the first sequence is known. */
  materialise(runId: string, firstSequence: number): RunEvent[];
}

/**
 * The FROM item that turns the batch's arrays, bound from parameter `$first` onwards,
 * into rows `e(event_id, type, payload, occurred_at, node_id, schema_version,
 * engine_version, causation_id, position)`, `position` counting from 1.
 */
export function unnestEvents(first: number): string {
  const p = (offset: number): string => `$${first + offset}`;
  return `unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::json[], ${p(3)}::text[], ${p(4)}::text[],
    ${p(5)}::integer[], ${p(6)}::text[], ${p(7)}::text[])
    WITH ORDINALITY AS e(event_id, type, payload, occurred_at, node_id, schema_version, engine_version, causation_id,
      position)`;
}

export function eventBatch(events: readonly NewRunEvent[] | undefined): EventBatch {
  const list = events ?? [];
  // Generated here, not by the database, so the caller gets its ids without another read.
  const ids = list.map(() => randomUUID());
  // An absent payload would vanish from the JSON; the log stores it as JSON null.
  const payloads = list.map((event) => JSON.stringify(event.payload ?? null));
  return {
    count: list.length,
    columns: [
      ids,
      list.map((event) => event.type),
      payloads,
      list.map((event) => event.timestamp),
      list.map((event) => event.nodeId ?? null),
      list.map((event) => event.schemaVersion ?? null),
      list.map((event) => event.engineVersion ?? null),
      list.map((event) => event.causationId ?? null),
    ],
    // Computed here rather than cast in SQL, where a timestamp that does not parse would fail the step.
    dueMs: list.map((event) => {
      const ms = Date.parse(event.timestamp);
      return Number.isNaN(ms) ? 0 : ms;
    }),
    materialise(runId, firstSequence) {
      return list.map((event, index) => {
        const stored: RunEvent = {
          eventId: ids[index] ?? "",
          runId,
          type: event.type,
          // Parsed from the text we stored, not the caller's object: a private copy that
          // is exactly what readEvents serves later.
          payload: JSON.parse(payloads[index] ?? "null") as JsonValue,
          timestamp: event.timestamp,
          sequence: firstSequence + index,
        };
        if (event.nodeId != null) stored.nodeId = event.nodeId;
        if (event.schemaVersion != null) stored.schemaVersion = event.schemaVersion;
        if (event.engineVersion != null) stored.engineVersion = event.engineVersion;
        if (event.causationId != null) stored.causationId = event.causationId;
        return stored;
      });
    },
  };
}
