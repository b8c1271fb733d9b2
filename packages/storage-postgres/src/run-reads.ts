import type {
  ListSuspensionsOptions,
  ReadEventsOptions,
  RunEvent,
  RunRecord,
  SuspensionRecord,
} from "@openwop/storage";
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

/**
 * Reads of runs, their logs and suspensions. Reads are safe to repeat, so they retry on a
 * lost connection. A read scoped to a tenant carries the tenant in its statement (auth.md
 * §5.4): another tenant's run matches no row.
 */

export const DEFAULT_READ_LIMIT = 100;

export async function getRun(database: Database, runId: string, tenantId?: string): Promise<RunRecord | null> {
  const result = await database.idempotent<RunRow>(
    "reading a run",
    tenantId === undefined
      ? { name: "openwop_get_run", text: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`, values: [runId] }
      : {
          name: "openwop_get_run_of_tenant",
          text: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1 AND tenant_id = $2`,
          values: [runId, tenantId],
        },
  );
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
  const { tenantId } = options;
  const result = await database.idempotent<EventRow>(
    "reading events",
    tenantId === undefined
      ? {
          name: "openwop_read_events",
          text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3`,
          values: [runId, fromSequence, limit],
        }
      : {
          name: "openwop_read_events_of_tenant",
          text: `SELECT ${EVENT_COLUMNS} FROM events
                 WHERE run_id = $1 AND sequence >= $2
                   AND EXISTS (SELECT 1 FROM runs WHERE runs.run_id = events.run_id AND runs.tenant_id = $4)
                 ORDER BY sequence LIMIT $3`,
          values: [runId, fromSequence, limit, tenantId],
        },
  );
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
  options: ListSuspensionsOptions = {},
): Promise<SuspensionRecord[]> {
  const result = await database.idempotent<SuspensionRow>("listing suspensions", {
    name: "openwop_list_suspensions",
    text: `SELECT ${SUSPENSION_COLUMNS} FROM suspensions
           WHERE run_id = $1 AND ($2::text IS NULL OR status = $2::text)
             AND ($3::text IS NULL
               OR EXISTS (SELECT 1 FROM runs WHERE runs.run_id = suspensions.run_id AND runs.tenant_id = $3::text))
           ORDER BY position`,
    values: [runId, options.status ?? null, options.tenantId ?? null],
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
