import type Database from "better-sqlite3";
import type { RunPatch } from "@openwop/storage";

type ColumnValue = string | number | null;

/** How each patchable field maps to its column; JSON fields are serialised here, once. */
const PATCH_COLUMNS: ReadonlyArray<{
  field: keyof RunPatch;
  column: string;
  toColumn: (value: RunPatch[keyof RunPatch]) => ColumnValue;
}> = [
  { field: "status", column: "status", toColumn: (value) => value as string },
  { field: "variables", column: "variables_json", toColumn: (value) => JSON.stringify(value) },
  { field: "currentNodeId", column: "current_node_id", toColumn: (value) => value as string | null },
  { field: "error", column: "error_json", toColumn: (value) => (value === null ? null : JSON.stringify(value)) },
  { field: "engineState", column: "engine_state_json", toColumn: (value) => JSON.stringify(value) },
  { field: "cancelRequested", column: "cancel_requested", toColumn: (value) => (value === true ? 1 : 0) },
  { field: "startedAt", column: "started_at", toColumn: (value) => value as string | null },
  { field: "completedAt", column: "completed_at", toColumn: (value) => value as string | null },
  { field: "updatedAt", column: "updated_at", toColumn: (value) => value as string },
];
const LAST_SEQUENCE_BIT = 1 << PATCH_COLUMNS.length;
const RELEASE_CLAIM_BIT = LAST_SEQUENCE_BIT << 1;

/**
 * The UPDATE a step runs on its run row, naming only the columns the step changes.
 *
 * Why not one statement with `col = CASE WHEN @set THEN @value ELSE col END` for every
 * column: SQLite maintains every index over a column named in `SET`, changed or not, so a
 * step that only touched `engine_state_json` would still rewrite the status and claim
 * indexes (measured: about a third more WAL traffic per step). Each distinct shape is
 * prepared once, on first use, and cached; an engine uses a handful of shapes.
 */
export class RunUpdateStatements {
  readonly #db: Database.Database;
  readonly #byShape = new Map<number, Database.Statement<ColumnValue[]>>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Applies `patch`, the new last sequence (when events were appended) and the claim release, if any of them is present. */
  apply(runId: string, patch: RunPatch, lastSequence: number | null, releaseClaim: boolean): void {
    let shape = 0;
    const values: ColumnValue[] = [];
    PATCH_COLUMNS.forEach(({ field, toColumn }, bit) => {
      const value = patch[field];
      // An explicit `undefined` means "absent", exactly as it would after a JSON round trip.
      if (value === undefined) return;
      shape |= 1 << bit;
      values.push(toColumn(value));
    });
    if (lastSequence !== null) {
      shape |= LAST_SEQUENCE_BIT;
      values.push(lastSequence);
    }
    if (releaseClaim) shape |= RELEASE_CLAIM_BIT;
    if (shape === 0) return;
    values.push(runId);
    this.#statementFor(shape).run(...values);
  }

  #statementFor(shape: number): Database.Statement<ColumnValue[]> {
    let statement = this.#byShape.get(shape);
    if (!statement) {
      const assignments = PATCH_COLUMNS.filter((_, bit) => shape & (1 << bit)).map(({ column }) => `${column} = ?`);
      if (shape & LAST_SEQUENCE_BIT) assignments.push("last_sequence = ?");
      if (shape & RELEASE_CLAIM_BIT) assignments.push("claim_holder_id = NULL", "claim_expires_at = NULL");
      statement = this.#db.prepare<ColumnValue[]>(`UPDATE runs SET ${assignments.join(", ")} WHERE run_id = ?`);
      this.#byShape.set(shape, statement);
    }
    return statement;
  }
}
