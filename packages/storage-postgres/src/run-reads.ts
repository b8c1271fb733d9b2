import type { ReadEventsOptions, RunEvent, RunRecord, SuspensionRecord, SuspensionStatus } from "@openwop/storage";
import type { Database } from "./database.js";
import {
  EVENT_COLUMNS,
  eventFromRow,
  RUN_COLUMNS,
  runFromRow,
  SUSPENSION_COLUMNS,
  suspensionFromRow,
  type EventRow,
  type RunRow,
  type SuspensionRow,
} from "./rows.js";

/** Reads of runs, their logs and suspensions. Reads are safe to repeat, so they retry on a lost connection. */

export const DEFAULT_READ_LIMIT = 100;

export async function getRun(database: Database, runId: string): Promise<RunRecord | null> {
  const result = await database.idempotent<RunRow>("reading a run", {
    name: "openwop_get_run",
    text: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`,
    values: [runId],
  });
  const row = result.rows[0];
  return row ? runFromRow(row) : null;
}

export async function readEvents(
  database: Database,
  runId: string,
  options: ReadEventsOptions = {},
): Promise<RunEvent[]> {
  const fromSequence = Math.max(0, Math.floor(options.fromSequence ?? 0));
  const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_READ_LIMIT));
  if (limit === 0) return [];
  const result = await database.idempotent<EventRow>("reading events", {
    name: "openwop_read_events",
    text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3`,
    values: [runId, fromSequence, limit],
  });
  return result.rows.map(eventFromRow);
}

export async function latestEvent(database: Database, runId: string): Promise<RunEvent | null> {
  const result = await database.idempotent<EventRow>("reading the latest event", {
    name: "openwop_latest_event",
    text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 ORDER BY sequence DESC LIMIT 1`,
    values: [runId],
  });
  const row = result.rows[0];
  return row ? eventFromRow(row) : null;
}

export async function listSuspensions(
  database: Database,
  runId: string,
  status?: SuspensionStatus,
): Promise<SuspensionRecord[]> {
  const result = await database.idempotent<SuspensionRow>("listing suspensions", {
    name: "openwop_list_suspensions",
    text: `SELECT ${SUSPENSION_COLUMNS} FROM suspensions
           WHERE run_id = $1 AND ($2::text IS NULL OR status = $2::text) ORDER BY position`,
    values: [runId, status ?? null],
  });
  return result.rows.map(suspensionFromRow);
}

/** The last sequence of each of `runIds` (runs that do not exist are left out). */
export async function lastSequences(database: Database, runIds: readonly string[]): Promise<Map<string, number>> {
  const result = await database.idempotent<{ run_id: string; last_sequence: number }>("reading last sequences", {
    text: "SELECT run_id, last_sequence FROM runs WHERE run_id = ANY($1::text[])",
    values: [[...runIds]],
  });
  return new Map(result.rows.map((row) => [row.run_id, row.last_sequence]));
}
