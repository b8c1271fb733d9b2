import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StorageAdapter } from "@openwop/storage";
import { SqliteSchemaTooNewError, openSqliteAdapter } from "./index.js";
import { loadMigrations, migrate } from "./migrations.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

interface MigrationRow {
  version: number;
  name: string;
  applied_at: string;
}

function appliedMigrations(path: string): MigrationRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], MigrationRow>("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
      .all();
  } finally {
    db.close();
  }
}

/** A database exactly as release 0001 left it: only the first migration, rows written in its shape. */
function createVersionOneDatabase(path: string): void {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    migrate(
      db,
      loadMigrations().filter((migration) => migration.version === 1),
      path,
    );
    db.prepare(
      `INSERT INTO runs (run_id, tenant_id, workflow_id, status, definition_json, inputs_json, variables_json,
         configurable_json, tags_json, metadata_json, current_node_id, error_json, engine_state_json,
         cancel_requested, created_at, started_at, completed_at, updated_at,
         claim_holder_id, claim_expires_at, claim_epoch, last_sequence)
       VALUES ('run-old', 'tenant-a', 'wf', 'completed', '{"id":"wf","nodes":[]}', '{"n":1}', '{"n":1,"v":"ü"}',
         '{}', '["legacy"]', '{"source":"0001"}', 'c', NULL, '{"nodes":{"c":"done"}}',
         0, '2029-01-01T00:00:00.000Z', '2029-01-01T00:00:01.000Z', '2029-01-01T00:00:02.000Z', '2029-01-01T00:00:02.000Z',
         NULL, NULL, 3, 1),
       ('run-waiting', 'tenant-b', 'wf', 'waiting-approval', '{}', '{}', '{}', '{}', '[]', '{}', 'b', NULL, '{}',
         0, '2029-01-02T00:00:00.000Z', NULL, NULL, '2029-01-02T00:00:00.000Z', NULL, NULL, 1, -1)`,
    ).run();
    db.prepare(
      `INSERT INTO run_events (run_id, sequence, event_id, type, payload_json, timestamp, node_id, schema_version, engine_version, causation_id)
       VALUES ('run-old', 0, 'evt-0', 'run.started', '{}', '2029-01-01T00:00:01.000Z', NULL, NULL, NULL, NULL),
              ('run-old', 1, 'evt-1', 'run.completed', '{"ok":true}', '2029-01-01T00:00:02.000Z', 'c', 1, '0.0.1', 'evt-0')`,
    ).run();
    db.prepare(
      `INSERT INTO suspensions (suspension_id, run_id, node_id, kind, status, data_json, created_at, resolved_at, resume_value_json)
       VALUES ('susp-1', 'run-waiting', 'b', 'approval', 'pending', '{"prompt":"ok?"}', '2029-01-02T00:00:00.000Z', NULL, 'null')`,
    ).run();
    db.prepare(
      `INSERT INTO api_keys (key_hash, tenant_id, scopes_json, label, test, created_at, revoked_at)
       VALUES ('hash-1', 'tenant-a', '["runs:read"]', 'old key', 1, '2029-01-01T00:00:00.000Z', NULL)`,
    ).run();
  } finally {
    db.close();
  }
}

describe("SQLite migrations", () => {
  let directory: TempDirectory;
  let adapter: StorageAdapter | undefined;

  beforeEach(() => {
    directory = createTempDirectory();
  });
  afterEach(async () => {
    await adapter?.close();
    adapter = undefined;
    directory.remove();
  });

  it("ships numbered migrations, in order and without gaps", () => {
    const migrations = loadMigrations();
    expect(migrations.map((migration) => [migration.version, migration.name])).toEqual([
      [1, "initial"],
      [2, "retention"],
    ]);
    for (const migration of migrations) expect(migration.sql.length).toBeGreaterThan(0);
  });

  it("creates a new database at the newest version, recording each migration", () => {
    const path = directory.file("new.db");
    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path).map((row) => [row.version, row.name])).toEqual([
      [1, "initial"],
      [2, "retention"],
    ]);
  });

  it("upgrades a database written by release 0001 and serves its data through the SPI", async () => {
    const path = directory.file("upgrade.db");
    createVersionOneDatabase(path);
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1]);

    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1, 2]);

    expect(await adapter.getRun("run-old")).toEqual({
      runId: "run-old",
      tenantId: "tenant-a",
      workflowId: "wf",
      status: "completed",
      definition: { id: "wf", nodes: [] },
      inputs: { n: 1 },
      variables: { n: 1, v: "ü" },
      configurable: {},
      tags: ["legacy"],
      metadata: { source: "0001" },
      currentNodeId: "c",
      error: null,
      engineState: { nodes: { c: "done" } },
      cancelRequested: false,
      createdAt: "2029-01-01T00:00:00.000Z",
      startedAt: "2029-01-01T00:00:01.000Z",
      completedAt: "2029-01-01T00:00:02.000Z",
      updatedAt: "2029-01-01T00:00:02.000Z",
      claim: null,
      lastSequence: 1,
    });
    expect(await adapter.readEvents("run-old")).toEqual([
      {
        eventId: "evt-0",
        runId: "run-old",
        type: "run.started",
        payload: {},
        timestamp: "2029-01-01T00:00:01.000Z",
        sequence: 0,
      },
      {
        eventId: "evt-1",
        runId: "run-old",
        type: "run.completed",
        payload: { ok: true },
        timestamp: "2029-01-01T00:00:02.000Z",
        sequence: 1,
        nodeId: "c",
        schemaVersion: 1,
        engineVersion: "0.0.1",
        causationId: "evt-0",
      },
    ]);
    expect(await adapter.listSuspensions("run-waiting", "pending")).toHaveLength(1);
    expect(await adapter.findApiKey("hash-1")).toMatchObject({ label: "old key", test: true, scopes: ["runs:read"] });

    // The log continues where 0001 left it, and the epoch where the last claim left it.
    const [next] = await adapter.commitStep({
      runId: "run-waiting",
      events: [{ type: "node.resumed", payload: {}, timestamp: "2029-01-03T00:00:00.000Z" }],
      patch: { status: "running" },
    });
    expect(next?.sequence).toBe(0);
    expect((await adapter.claimRun("run-waiting", "holder", 1_000, 0))?.epoch).toBe(2);

    // 0002's retention index and tombstones work on rows written before it existed.
    expect(await adapter.expireRuns("2029-06-01T00:00:00.000Z", 10, "2029-07-01T00:00:00.000Z")).toEqual(["run-old"]);
    expect(await adapter.getTombstone("run-old")).toEqual({
      runId: "run-old",
      tenantId: "tenant-a",
      expiredAt: "2029-07-01T00:00:00.000Z",
    });
  });

  it("skips migrations already applied when a database is reopened", async () => {
    const path = directory.file("reopen.db");
    await openSqliteAdapter({ path }).close();
    const first = appliedMigrations(path);
    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path)).toEqual(first);
  });

  it("refuses a database whose schema is newer than this code knows, and leaves it untouched", async () => {
    const path = directory.file("future.db");
    await openSqliteAdapter({ path }).close();
    const db = new Database(path);
    db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from_the_future', '2031-01-01T00:00:00.000Z')",
    ).run();
    db.close();

    let refusal: unknown;
    try {
      openSqliteAdapter({ path });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SqliteSchemaTooNewError);
    expect(refusal).toMatchObject({ databaseVersion: 99, knownVersion: 2 });
    expect(String((refusal as Error).message)).toMatch(/schema version 99.*up to 2.*newer release/s);
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1, 2, 99]);
  });

  it("a failing migration leaves the database at its previous version, with none of its changes", () => {
    const path = directory.file("broken.db");
    const db = new Database(path);
    try {
      const [initial] = loadMigrations();
      if (!initial) throw new Error("migration 0001 is missing");
      migrate(db, [initial], path);
      const broken = {
        version: 2,
        name: "broken",
        sql: "CREATE TABLE half_done (id INTEGER) STRICT; SELECT * FROM no_such_table;",
      };
      expect(() => migrate(db, [initial, broken], path)).toThrow(/no_such_table/);
      expect(db.prepare("SELECT version FROM schema_migrations").pluck().all()).toEqual([1]);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
