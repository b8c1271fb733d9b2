import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SchemaTooNewError, type StorageAdapter } from "@openwop/storage";
import { newApiKey, newRun, newSubscription } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { loadMigrations, migrate } from "./migrations.js";
import { openSqliteAdapterWithMigrations } from "./sqlite-adapter.js";
import { loadReleasedMigrations, releasedMigrationsUpTo } from "./testing/released-migrations.js";
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

/** A database exactly as release 0001 left it (its frozen migration): only the first migration, rows written in its shape. */
function createVersionOneDatabase(path: string): void {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    migrate(db, releasedMigrationsUpTo(1), path);
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

/** A database exactly as release 0002 left it, with keys written in its shape: live, test, revoked. */
function createVersionTwoDatabaseWithKeys(path: string): void {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    migrate(db, releasedMigrationsUpTo(2), path);
    db.prepare(
      `INSERT INTO api_keys (key_hash, tenant_id, scopes_json, label, test, created_at, revoked_at)
       VALUES ('hash-live', 'tenant-a', '["runs:read","runs:create"]', 'bootstrap', 0, '2029-01-01T00:00:00.000Z', NULL),
              ('hash-test', 'tenant-a', '["runs:read"]', 'ci ü', 1, '2029-01-02T00:00:00.000Z', NULL),
              ('hash-gone', 'tenant-b', '[]', 'old', 0, '2029-01-03T00:00:00.000Z', '2029-02-01T00:00:00.000Z')`,
    ).run();
  } finally {
    db.close();
  }
}

/**
 * A database exactly as release 0003 left it, with runs and events written in its shape: two
 * tenants, runs created out of their insertion order, and a run without events.
 */
function createVersionThreeDatabaseWithEvents(path: string): void {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    migrate(db, releasedMigrationsUpTo(3), path);
    const insertRun = db.prepare<[string, string, string, string, string, number]>(
      `INSERT INTO runs (run_id, tenant_id, workflow_id, status, definition_json, inputs_json, variables_json,
         configurable_json, tags_json, metadata_json, current_node_id, error_json, engine_state_json,
         cancel_requested, created_at, started_at, completed_at, updated_at, last_sequence)
       VALUES (?, ?, 'wf', 'running', '{}', '{}', '{}', '{}', ?, '{}', NULL, NULL, '{}', 0, ?, NULL, NULL, ?, ?)`,
    );
    const insertEvent = db.prepare<[string, number, string]>(
      `INSERT INTO run_events (run_id, sequence, event_id, type, payload_json, timestamp, node_id, schema_version,
         engine_version, causation_id)
       VALUES (?, ?, ?, 'node.progress', '{}', '2029-01-01T00:00:00.000Z', NULL, NULL, NULL, NULL)`,
    );
    // Inserted newest first, so the backfill's order comes from created_at, not from the insertion.
    const runs: Array<[runId: string, tenantId: string, createdAt: string, events: number]> = [
      ["run-late", "tenant-a", "2029-01-03T00:00:00.000Z", 2],
      ["run-b", "tenant-b", "2029-01-02T00:00:00.000Z", 1],
      ["run-early", "tenant-a", "2029-01-01T00:00:00.000Z", 3],
      ["run-empty", "tenant-a", "2029-01-01T12:00:00.000Z", 0],
    ];
    for (const [runId, tenantId, createdAt, events] of runs) {
      insertRun.run(runId, tenantId, '["legacy"]', createdAt, createdAt, events - 1);
      for (let sequence = 0; sequence < events; sequence++) insertEvent.run(runId, sequence, `${runId}-e${sequence}`);
    }
  } finally {
    db.close();
  }
}

/** Every file of a directory and the digest of its bytes. */
function filesIn(directoryPath: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(directoryPath)
      .sort()
      .map((name) => [
        name,
        createHash("sha256")
          .update(readFileSync(join(directoryPath, name)))
          .digest("hex"),
      ]),
  );
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
      [3, "key_management"],
      [4, "webhooks"],
      [5, "run_listing"],
    ]);
    for (const migration of migrations) expect(migration.sql.length).toBeGreaterThan(0);
  });

  it("still ships every released migration byte for byte as it was frozen (a schema change is a new file)", () => {
    const released = loadReleasedMigrations();
    expect(released.length).toBeGreaterThanOrEqual(1);
    const shipped = loadMigrations();
    expect(shipped.length).toBeGreaterThanOrEqual(released.length);
    for (const frozen of released) {
      const current = shipped.find((migration) => migration.version === frozen.version);
      expect(current?.name, `migration ${frozen.version}`).toBe(frozen.name);
      expect(
        current?.sql === frozen.sql,
        `migrations/${String(frozen.version).padStart(4, "0")}_${frozen.name}.sql differs from its released copy`,
      ).toBe(true);
    }
  });

  it("creates a new database at the newest version, recording each migration", () => {
    const path = directory.file("new.db");
    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path).map((row) => [row.version, row.name])).toEqual([
      [1, "initial"],
      [2, "retention"],
      [3, "key_management"],
      [4, "webhooks"],
      [5, "run_listing"],
    ]);
  });

  it("upgrades a database written by release 0001 and serves its data through the SPI", async () => {
    const path = directory.file("upgrade.db");
    createVersionOneDatabase(path);
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1]);

    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1, 2, 3, 4, 5]);

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
    expect(await adapter.listSuspensions("run-waiting", { status: "pending" })).toHaveLength(1);
    expect(await adapter.findApiKey("hash-1")).toMatchObject({ label: "old key", kind: "test", scopes: ["runs:read"] });

    // The log continues where 0001 left it, and the epoch where the last claim left it.
    const [next] = await adapter.commitStep({
      runId: "run-waiting",
      events: [{ type: "node.resumed", payload: {}, timestamp: "2029-01-03T00:00:00.000Z" }],
      patch: { status: "running" },
    });
    expect(next?.sequence).toBe(0);
    expect((await adapter.claimRun("run-waiting", "holder", 1_000, 0))?.epoch).toBe(2);

    // 0002's retention index and tombstones work on rows written before it existed.
    // 0005 indexes the tags runs already had, so listings find them by tag.
    expect(
      (await adapter.listRuns({ tenantId: "tenant-a", tag: "legacy", limit: 10 })).map((run) => run.runId),
    ).toEqual(["run-old"]);
    expect((await adapter.listRuns({ tenantId: "tenant-b", limit: 10 })).map((run) => run.runId)).toEqual([
      "run-waiting",
    ]);
    expect(await adapter.expireRuns("2029-06-01T00:00:00.000Z", 10, "2029-07-01T00:00:00.000Z")).toEqual(["run-old"]);
    expect(await adapter.getTombstone("run-old")).toEqual({
      runId: "run-old",
      tenantId: "tenant-a",
      expiredAt: "2029-07-01T00:00:00.000Z",
    });
  });

  it("upgrades the keys of a database written by release 0002: each stays findable, with an id, and can be managed", async () => {
    const path = directory.file("keys.db");
    createVersionTwoDatabaseWithKeys(path);
    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1, 2, 3, 4, 5]);

    const live = await adapter.findApiKey("hash-live");
    const test = await adapter.findApiKey("hash-test");
    const gone = await adapter.findApiKey("hash-gone");
    const upgraded = {
      prefix: "?",
      origin: "environment",
      expiresAt: null,
      lastUsedAt: null,
      rotatedAt: null,
      replacedBy: null,
      replaces: null,
    };
    expect(live).toEqual({
      ...upgraded,
      keyId: live?.keyId,
      keyHash: "hash-live",
      tenantId: "tenant-a",
      scopes: ["runs:read", "runs:create"],
      kind: "live",
      label: "bootstrap",
      createdAt: "2029-01-01T00:00:00.000Z",
      revokedAt: null,
    });
    expect(test).toMatchObject({ ...upgraded, kind: "test", label: "ci ü", revokedAt: null });
    expect(gone).toMatchObject({
      ...upgraded,
      kind: "live",
      tenantId: "tenant-b",
      revokedAt: "2029-02-01T00:00:00.000Z",
    });
    // Opaque ids, distinct, not derived from the digest.
    const ids = [live?.keyId, test?.keyId, gone?.keyId];
    for (const keyId of ids) expect(keyId).toMatch(/^key_[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(3);
    expect(ids.some((keyId) => keyId?.includes("hash"))).toBe(false);

    // The upgraded keys are managed like any other.
    expect((await adapter.listApiKeys("tenant-a", { limit: 10 })).map((key) => key.keyHash)).toEqual([
      "hash-test",
      "hash-live",
    ]);
    expect(await adapter.getApiKey("tenant-a", test?.keyId ?? "")).toEqual(test);
    const version = await adapter.keyStateVersion();
    const outcome = await adapter.rotateApiKey(
      "tenant-a",
      test?.keyId ?? "",
      newApiKey({ keyHash: "hash-next", replaces: test?.keyId ?? null }),
      "2030-01-02T00:00:00.000Z",
      "2030-01-01T00:00:00.000Z",
    );
    expect(outcome).toMatchObject({ rotated: { keyHash: "hash-test", expiresAt: "2030-01-02T00:00:00.000Z" } });
    expect(await adapter.keyStateVersion()).not.toBe(version);
    // A configured key stored before the upgrade is kept (and takes its origin); the others of its origin are retired.
    const sync = await adapter.syncConfiguredKeys(
      "bootstrap",
      [newApiKey({ keyHash: "hash-live", origin: "bootstrap" })],
      "2030-01-01T00:00:00.000Z",
    );
    expect(sync).toEqual({ kept: [{ ...live, origin: "bootstrap" }], created: [], revoked: [] });
  });

  it("upgrades the events of a database written by release 0003: each gets a feed position, in creation order, and the feed and the outbox work on them", async () => {
    const path = directory.file("events.db");
    createVersionThreeDatabaseWithEvents(path);
    adapter = openSqliteAdapter({ path });
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1, 2, 3, 4, 5]);

    const feedOf = async (tenantId: string, after?: string) =>
      (await adapter?.readFeed(tenantId, { limit: 100, ...(after === undefined ? {} : { after }) })) ?? [];
    const feedOfA = await feedOf("tenant-a");
    // By the run's creation, then the run, then the sequence.
    expect(feedOfA.map((entry) => entry.event.eventId)).toEqual([
      "run-early-e0",
      "run-early-e1",
      "run-early-e2",
      "run-late-e0",
      "run-late-e1",
    ]);
    expect(feedOfA.slice(0, 3).map((entry) => entry.event)).toEqual(await adapter.readEvents("run-early"));
    expect((await feedOf("tenant-b")).map((entry) => entry.event.eventId)).toEqual(["run-b-e0"]);
    const positions = [...feedOfA, ...(await feedOf("tenant-b"))].map((entry) => entry.position);
    expect(new Set(positions).size).toBe(6);

    // New events follow every upgraded one, in the feed and with their deliveries.
    const subscription = newSubscription({ tenantId: "tenant-a", tags: ["legacy"] });
    await adapter.createSubscription(subscription);
    const lastUpgraded = feedOfA.at(-1)?.position;
    const appended = await adapter.commitStep({
      runId: "run-early",
      events: [{ type: "node.progress", payload: { after: "0004" }, timestamp: "2030-01-01T00:00:00.000Z" }],
    });
    const fresh = await feedOf("tenant-a", lastUpgraded);
    expect(fresh.map((entry) => entry.event)).toEqual(appended);
    expect(positions).not.toContain(fresh[0]?.position);
    const [delivery] = await adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 10 });
    expect(delivery).toMatchObject({
      runId: "run-early",
      sequence: 3,
      status: "pending",
      feedPosition: fresh[0]?.position,
    });

    // Retention takes upgraded events and the new deliveries with the run.
    expect(await adapter.expireRun("run-early", "2030-02-01T00:00:00.000Z")).toBe(true);
    expect((await feedOf("tenant-a")).map((entry) => entry.event.eventId)).toEqual(["run-late-e0", "run-late-e1"]);
    expect(await adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 10 })).toEqual([]);
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
    expect(refusal).toBeInstanceOf(SchemaTooNewError);
    expect(refusal).toMatchObject({ name: "SchemaTooNewError", databaseVersion: 99, knownVersion: 5 });
    expect(String((refusal as Error).message)).toMatch(/schema version 99.*up to 5.*newer release/s);
    expect(appliedMigrations(path).map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 99]);
  });

  it("the previous release refuses a database this release migrated, naming both versions, and writes nothing to it", async () => {
    const path = directory.file("rollback.db");
    const current = openSqliteAdapter({ path });
    await current.createRun({
      run: newRun({ runId: "run-before-rollback" }),
      events: [{ type: "run.created", payload: {}, timestamp: "2030-01-01T00:00:00.000Z" }],
    });
    await current.close();
    const before = filesIn(dirname(path));

    const shipped = loadMigrations();
    // The newest release before this code, as it shipped: the last frozen migration set
    // older than what this code carries.
    const previousRelease = releasedMigrationsUpTo(Math.min(loadReleasedMigrations().length, shipped.length - 1));
    let refusal: unknown;
    try {
      adapter = openSqliteAdapterWithMigrations({ path }, previousRelease);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SchemaTooNewError);
    expect(refusal).toMatchObject({ databaseVersion: shipped.length, knownVersion: previousRelease.length });
    expect((refusal as Error).message).toContain(
      `is at schema version ${shipped.length}, but this release knows schema versions up to ${previousRelease.length}`,
    );
    expect((refusal as Error).message).toContain(path);
    // Byte for byte, and no file added or left behind (no -wal, no -shm, no journal).
    expect(filesIn(dirname(path))).toEqual(before);

    // The release that migrated it still opens it, with the run it wrote.
    adapter = openSqliteAdapter({ path });
    expect(await adapter.getRun("run-before-rollback")).toMatchObject({ status: "pending" });
  });

  it("a failing migration leaves the database at its previous version, with none of its changes", () => {
    const path = directory.file("broken.db");
    const db = new Database(path);
    try {
      const [initial] = releasedMigrationsUpTo(1);
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
