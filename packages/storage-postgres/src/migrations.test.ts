import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoAt, newApiKey, newRun, newSubscription } from "@openwop/storage/testing";
import { loadMigrations, migrate } from "./migrations.js";
import { SchemaTooNewError } from "@openwop/storage";
import { openPostgresAdapter, openPostgresAdapterWithMigrations } from "./open-adapter.js";
import { loadReleasedMigrations, releasedMigrationsUpTo } from "./testing/released-migrations.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

let pgServer: TestPostgres;

beforeAll(async () => {
  pgServer = await startTestPostgres();
});

afterAll(async () => {
  await pgServer?.stop();
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function recordedMigrations(url: string): Promise<Array<{ version: number; name: string }>> {
  return pgServer.sql(url, "SELECT version, name FROM schema_migrations ORDER BY version");
}

/**
 * Everything an opener could change, as one comparable value: the public schema's relations,
 * columns, indexes, constraints and functions, every sequence's position, and every table's rows.
 */
async function databaseState(url: string): Promise<unknown> {
  const catalog = await pgServer.sql(
    url,
    `SELECT
       (SELECT json_agg(c.relname || ':' || c.relkind::text ORDER BY c.relname) FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public') AS relations,
       (SELECT json_agg(table_name || '.' || column_name || ':' || data_type ORDER BY table_name, column_name)
          FROM information_schema.columns WHERE table_schema = 'public') AS columns,
       (SELECT json_agg(conname ORDER BY conname) FROM pg_constraint c
          JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public') AS constraints,
       (SELECT json_agg(p.proname ORDER BY p.proname) FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public') AS functions,
       (SELECT json_agg(sequencename || '=' || coalesce(last_value::text, 'unused') ORDER BY sequencename)
          FROM pg_sequences WHERE schemaname = 'public') AS sequences`,
  );
  const tables = await pgServer.sql<{ tablename: string }>(
    url,
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const rows: Record<string, unknown> = {};
  for (const { tablename } of tables) {
    const [dump] = await pgServer.sql<{ rows: unknown }>(
      url,
      `SELECT coalesce(json_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]') AS rows FROM "${tablename}" t`,
    );
    rows[tablename] = dump?.rows;
  }
  return { catalog, rows };
}

describe("migrations", () => {
  it("ships numbered files without gaps, at least two of them", () => {
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(migrations[0]?.name).toBe("0001_initial");
  });

  it("still ships every released migration byte for byte as it was frozen (a schema change is a new file)", () => {
    const released = loadReleasedMigrations();
    expect(released.length).toBeGreaterThanOrEqual(1);
    const shipped = loadMigrations();
    expect(shipped.length).toBeGreaterThanOrEqual(released.length);
    for (const frozen of released) {
      const current = shipped.find((migration) => migration.version === frozen.version);
      expect(current?.name, `migration ${frozen.version}`).toBe(frozen.name);
      expect(current?.sql === frozen.sql, `migrations/${frozen.name}.sql differs from its released copy`).toBe(true);
    }
  });

  it("upgrades a database written by the 0001 release, and its rows read back through the SPI", async () => {
    const url = await pgServer.freshDatabase();
    await withClient(url, async (client) => {
      // The schema as release 0001 shipped it: its frozen migrations, not today's files.
      expect(await migrate(client, { migrations: releasedMigrationsUpTo(1) })).toEqual({ applied: [1], version: 1 });
      // Rows exactly as the 0001 release wrote them (no instant columns yet).
      await client.query(`
        INSERT INTO runs (run_id, tenant_id, workflow_id, status, definition, inputs, variables, configurable, tags,
          metadata, current_node_id, error, engine_state, cancel_requested, created_at, started_at, completed_at,
          updated_at, claim_holder_id, claim_expires_at, claim_epoch, last_sequence)
        VALUES
          ('old-done', 't', 'wf', 'completed', '{"id":"wf"}', '{"b":1,"a":2}', '{}', '{}', '["x"]', '{}', 'c', NULL,
           '{"nodes":{}}', false, '${isoAt(0)}', '${isoAt(1)}', '2030-01-01T12:00:10+00:00', '${isoAt(10_000)}',
           NULL, NULL, 3, 1),
          ('old-live', 't', 'wf', 'running', '{"id":"wf"}', '{}', '{}', '{}', '[]', '{}', 'a', NULL, '{}', false,
           '${isoAt(0)}', '${isoAt(1)}', NULL, '${isoAt(1)}', 'host-1', 5000, 7, -1)`);
      await client.query(`
        INSERT INTO events (run_id, sequence, event_id, type, payload, occurred_at, node_id, schema_version,
          engine_version, causation_id)
        VALUES ('old-done', 0, 'e0', 'run.started', '{"z":1,"a":2}', '${isoAt(1)}', NULL, 1, '0.1.0', NULL),
               ('old-done', 1, 'e1', 'run.completed', 'null', '${isoAt(2)}', 'c', NULL, NULL, 'e0')`);
      await client.query(`
        INSERT INTO suspensions (suspension_id, run_id, node_id, kind, status, data, created_at, resolved_at, resume_value)
        VALUES ('s1', 'old-done', 'b', 'approval', 'resolved', '{"prompt":"ok?"}', '${isoAt(1)}', '${isoAt(2)}', 'true')`);
      await client.query(`
        INSERT INTO idempotency_records (record_key, tenant_id, endpoint, request_digest, state, lease_expires_at,
          response, created_at)
        VALUES ('k1', 't', 'POST /v1/runs', 'sha256:a', 'completed', 0, '{"status":201,"headers":{},"body":{}}',
          '${isoAt(0)}')`);
      await client.query(`
        INSERT INTO api_keys (key_hash, tenant_id, scopes, label, test, created_at, revoked_at)
        VALUES ('hash-old', 't', '["runs:read"]', 'old key', true, '${isoAt(0)}', NULL)`);
    });
    expect(await recordedMigrations(url)).toEqual([{ version: 1, name: "0001_initial" }]);

    const adapter = await openPostgresAdapter({ connectionString: url });
    try {
      expect(await recordedMigrations(url)).toEqual(
        loadMigrations().map((migration) => ({ version: migration.version, name: migration.name })),
      );
      expect(await adapter.getRun("old-done")).toMatchObject({
        status: "completed",
        inputs: { b: 1, a: 2 },
        tags: ["x"],
        completedAt: "2030-01-01T12:00:10+00:00",
        claim: null,
        lastSequence: 1,
      });
      expect(await adapter.getRun("old-live")).toMatchObject({
        claim: { holderId: "host-1", expiresAt: 5000, epoch: 7 },
      });
      expect(await adapter.readEvents("old-done")).toEqual([
        {
          eventId: "e0",
          runId: "old-done",
          type: "run.started",
          payload: { z: 1, a: 2 },
          timestamp: isoAt(1),
          sequence: 0,
          schemaVersion: 1,
          engineVersion: "0.1.0",
        },
        {
          eventId: "e1",
          runId: "old-done",
          type: "run.completed",
          payload: null,
          timestamp: isoAt(2),
          sequence: 1,
          nodeId: "c",
          causationId: "e0",
        },
      ]);
      expect(await adapter.listSuspensions("old-done")).toMatchObject([{ suspensionId: "s1", resumeValue: true }]);
      expect(await adapter.findApiKey("hash-old")).toMatchObject({
        label: "old key",
        kind: "test",
        scopes: ["runs:read"],
      });
      // The log continues where the old release left it.
      const appended = await adapter.commitStep({
        runId: "old-live",
        fence: { holderId: "host-1", epoch: 7 },
        events: [{ type: "node.started", payload: {}, timestamp: isoAt(3) }],
      });
      expect(appended[0]?.sequence).toBe(0);
      // 0005 indexed the tags runs already had, so listings find them by tag.
      expect((await adapter.listRuns({ tenantId: "t", tag: "x", limit: 10 })).map((run) => run.runId)).toEqual([
        "old-done",
      ]);
      expect((await adapter.listRuns({ tenantId: "t", limit: 10 })).map((run) => run.runId)).toEqual([
        "old-live",
        "old-done",
      ]);
      // 0002 backfilled the instants: retention and purges see the old rows (the
      // completion at 12:00:10+00:00 is 10 s after T0, before the 12:00:11Z cutoff).
      expect(await adapter.expireRuns("2030-01-01T12:00:11Z", 10, isoAt(20_000))).toEqual(["old-done"]);
      expect(await adapter.readEvents("old-done")).toEqual([]);
      expect(await adapter.listSuspensions("old-done")).toEqual([]);
      expect(await adapter.purgeIdempotencyRecords(isoAt(1))).toBe(1);
    } finally {
      await adapter.close();
    }
  });

  it("upgrades the keys of a database written by the 0002 release: each stays findable, with an id, and can be managed", async () => {
    const url = await pgServer.freshDatabase();
    await withClient(url, async (client) => {
      // The schema as release 0002 shipped it: its frozen migrations, not today's files.
      expect(await migrate(client, { migrations: releasedMigrationsUpTo(2) })).toEqual({ applied: [1, 2], version: 2 });
      await client.query(`
        INSERT INTO api_keys (key_hash, tenant_id, scopes, label, test, created_at, revoked_at)
        VALUES ('hash-live', 'tenant-a', '["runs:read","runs:create"]', 'bootstrap', false, '${isoAt(0)}', NULL),
               ('hash-test', 'tenant-a', '["runs:read"]', 'ci ü', true, '${isoAt(1_000)}', NULL),
               ('hash-gone', 'tenant-b', '[]', 'old', false, '${isoAt(2_000)}', '${isoAt(3_000)}')`);
    });
    const adapter = await openPostgresAdapter({ connectionString: url });
    try {
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
        createdAt: isoAt(0),
        revokedAt: null,
      });
      expect(test).toMatchObject({ ...upgraded, kind: "test", label: "ci ü", revokedAt: null });
      expect(gone).toMatchObject({ ...upgraded, kind: "live", tenantId: "tenant-b", revokedAt: isoAt(3_000) });
      // Opaque ids, distinct, not derived from the digest.
      const ids = [live?.keyId, test?.keyId, gone?.keyId];
      for (const keyId of ids) expect(keyId).toMatch(/^key_[0-9a-f]{24}$/);
      expect(new Set(ids).size).toBe(3);

      expect((await adapter.listApiKeys("tenant-a", { limit: 10 })).map((key) => key.keyHash)).toEqual([
        "hash-test",
        "hash-live",
      ]);
      expect(await adapter.keyStateVersion()).toBe("0");
      expect(
        await adapter.rotateApiKey(
          "tenant-a",
          test?.keyId ?? "",
          newApiKey({ keyHash: "hash-next" }),
          isoAt(3_600_000),
          isoAt(10_000),
        ),
      ).toMatchObject({ rotated: { keyHash: "hash-test", expiresAt: isoAt(3_600_000) } });
      expect(await adapter.keyStateVersion()).toBe("1");
      // The old primary key (the hash) is now a unique key: a second key with it still conflicts.
      await expect(adapter.createApiKey(newApiKey({ keyHash: "hash-live" }))).rejects.toMatchObject({
        name: "StorageConflictError",
        reason: "key-exists",
      });
      expect(
        await adapter.syncConfiguredKeys(
          "bootstrap",
          [newApiKey({ keyHash: "hash-live", origin: "bootstrap" })],
          isoAt(1),
        ),
      ).toEqual({ kept: [{ ...live, origin: "bootstrap" }], created: [], revoked: [] });
    } finally {
      await adapter.close();
    }
  });

  it("upgrades the events of a database written by the 0003 release: each gets a feed position, in creation order, and the feed and the outbox work on them", async () => {
    const url = await pgServer.freshDatabase();
    await withClient(url, async (client) => {
      // The schema as release 0003 shipped it: its frozen migrations, not today's files.
      expect(await migrate(client, { migrations: releasedMigrationsUpTo(3) })).toEqual({
        applied: [1, 2, 3],
        version: 3,
      });
      // Runs inserted newest first, so the order of the backfill comes from created_at, not from the insertion;
      // one created with an offset, which orders by its instant.
      const runs: Array<[runId: string, tenantId: string, createdAt: string, events: number]> = [
        ["run-late", "tenant-a", "2029-01-03T00:00:00.000Z", 2],
        ["run-b", "tenant-b", "2029-01-02T00:00:00.000Z", 1],
        ["run-early", "tenant-a", "2029-01-01T02:00:00+01:00", 3],
        ["run-middle", "tenant-a", "2029-01-01T12:00:00.000Z", 1],
        ["run-empty", "tenant-a", "2029-01-01T06:00:00.000Z", 0],
      ];
      for (const [runId, tenantId, createdAt, events] of runs) {
        await client.query(
          `INSERT INTO runs (run_id, tenant_id, workflow_id, status, definition, inputs, variables, configurable, tags,
             metadata, current_node_id, error, engine_state, cancel_requested, created_at, started_at, completed_at,
             updated_at, claim_holder_id, claim_expires_at, claim_epoch, last_sequence)
           VALUES ($1, $2, 'wf', 'running', '{}', '{}', '{}', '{}', '["legacy"]', '{}', NULL, NULL, '{}', false, $3, NULL,
             NULL, $3, NULL, NULL, 0, $4)`,
          [runId, tenantId, createdAt, events - 1],
        );
        for (let sequence = 0; sequence < events; sequence++) {
          await client.query(
            `INSERT INTO events (run_id, sequence, event_id, type, payload, occurred_at, node_id, schema_version,
               engine_version, causation_id)
             VALUES ($1, $2, $3, 'node.progress', '{}', '${isoAt(0)}', NULL, NULL, NULL, NULL)`,
            [runId, sequence, `${runId}-e${sequence}`],
          );
        }
      }
    });
    const adapter = await openPostgresAdapter({ connectionString: url });
    try {
      const feedOf = async (tenantId: string, after?: string) =>
        adapter.readFeed(tenantId, { limit: 100, ...(after === undefined ? {} : { after }) });
      const feedOfA = await feedOf("tenant-a");
      // By the run's creation instant, then the run, then the sequence.
      expect(feedOfA.map((entry) => entry.event.eventId)).toEqual([
        "run-early-e0",
        "run-early-e1",
        "run-early-e2",
        "run-middle-e0",
        "run-late-e0",
        "run-late-e1",
      ]);
      expect(feedOfA.slice(0, 3).map((entry) => entry.event)).toEqual(await adapter.readEvents("run-early"));
      const feedOfB = await feedOf("tenant-b");
      expect(feedOfB.map((entry) => entry.event.eventId)).toEqual(["run-b-e0"]);
      const positions = [...feedOfA, ...feedOfB].map((entry) => entry.position);
      expect(new Set(positions).size).toBe(7);

      // New events follow every upgraded one, in the feed and with their deliveries.
      const subscription = newSubscription({ tenantId: "tenant-a", tags: ["legacy"] });
      await adapter.createSubscription(subscription);
      const appended = await adapter.commitStep({
        runId: "run-early",
        events: [{ type: "node.progress", payload: { after: "0004" }, timestamp: isoAt(10) }],
      });
      const fresh = await feedOf("tenant-a", feedOfA.at(-1)?.position);
      expect(fresh.map((entry) => entry.event)).toEqual(appended);
      expect(positions).not.toContain(fresh[0]?.position);
      expect(await adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 10 })).toMatchObject([
        { runId: "run-early", sequence: 3, status: "pending", feedPosition: fresh[0]?.position },
      ]);
      // A run created after the upgrade gets its positions after all of them too.
      await adapter.createRun({
        run: newRun({ runId: "run-new", tenantId: "tenant-b", status: "running" }),
        events: [{ type: "node.progress", payload: {}, timestamp: isoAt(11) }],
      });
      expect((await feedOf("tenant-b", feedOfB[0]?.position)).map((entry) => entry.event.runId)).toEqual(["run-new"]);

      // Retention takes upgraded events and the new deliveries with their run.
      expect(await adapter.expireRun("run-early", isoAt(20))).toBe(true);
      expect((await feedOf("tenant-a")).map((entry) => entry.event.eventId)).toEqual([
        "run-middle-e0",
        "run-late-e0",
        "run-late-e1",
      ]);
      expect(await adapter.listDeliveries("tenant-a", subscription.webhookId, { limit: 10 })).toEqual([]);
    } finally {
      await adapter.close();
    }
  });

  it("lets concurrent openers (separate sessions) migrate a fresh database at once: all succeed, each migration applies once", async () => {
    const url = await pgServer.freshDatabase();
    const adapters = await Promise.all([1, 2, 3].map(() => openPostgresAdapter({ connectionString: url })));
    try {
      expect(await recordedMigrations(url)).toHaveLength(loadMigrations().length);
      for (const adapter of adapters) await expect(adapter.ping()).resolves.toBeUndefined();
    } finally {
      await Promise.all(adapters.map((adapter) => adapter.close()));
    }
  });

  it("applies nothing when the database is current", async () => {
    const url = await pgServer.freshDatabase();
    await (await openPostgresAdapter({ connectionString: url })).close();
    await withClient(url, async (client) => {
      expect(await migrate(client)).toEqual({ applied: [], version: loadMigrations().length });
    });
  });

  it("refuses a database migrated by a newer release, changing nothing", async () => {
    const url = await pgServer.freshDatabase();
    await (await openPostgresAdapter({ connectionString: url })).close();
    await pgServer.sql(url, "INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future')");
    await expect(openPostgresAdapter({ connectionString: url })).rejects.toMatchObject({
      name: "SchemaTooNewError",
      message: expect.stringMatching(/schema version 99, but this release knows schema versions up to \d+/),
      databaseVersion: 99,
      knownVersion: loadMigrations().length,
    });
  });

  it("the previous release refuses a database this release migrated, naming both versions, and writes nothing to it", async () => {
    const url = await pgServer.freshDatabase();
    const current = await openPostgresAdapter({ connectionString: url });
    await current.createRun({
      run: newRun({ runId: "run-before-rollback" }),
      events: [{ type: "run.created", payload: {}, timestamp: isoAt(0) }],
    });
    await current.close();
    const before = await databaseState(url);

    const shipped = loadMigrations();
    // The newest release before this code, as it shipped: the last frozen migration set
    // older than what this code carries.
    const previousRelease = releasedMigrationsUpTo(Math.min(loadReleasedMigrations().length, shipped.length - 1));
    const refusal = await openPostgresAdapterWithMigrations({ connectionString: url }, previousRelease).then(
      (adapter) => adapter.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(SchemaTooNewError);
    expect(refusal).toMatchObject({ databaseVersion: shipped.length, knownVersion: previousRelease.length });
    const databaseName = new URL(url).pathname.slice(1);
    expect((refusal as Error).message).toContain(
      `Postgres database "${databaseName}" is at schema version ${shipped.length}, but this release knows schema versions up to ${previousRelease.length}`,
    );
    expect(await databaseState(url)).toEqual(before);

    // Nothing of the refused opener is left connected either.
    const sessions = await pgServer.sql<{ n: string }>(
      url,
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    expect(Number(sessions[0]?.n)).toBe(0);
  });

  it("refuses a database whose recorded migration names differ from ours", async () => {
    const url = await pgServer.freshDatabase();
    await (await openPostgresAdapter({ connectionString: url })).close();
    await pgServer.sql(url, "UPDATE schema_migrations SET name = '0001_something_else' WHERE version = 1");
    await expect(openPostgresAdapter({ connectionString: url })).rejects.toMatchObject({ name: "SchemaMismatchError" });
  });

  it("rolls a failing migration back completely", async () => {
    const url = await pgServer.freshDatabase();
    await withClient(url, async (client) => {
      await migrate(client, { migrations: releasedMigrationsUpTo(1) });
      // Sabotage: 0002 adds this column, so its ALTER TABLE fails half way through the file.
      await client.query("ALTER TABLE idempotency_records ADD COLUMN created_at_ts timestamptz");
      await expect(migrate(client)).rejects.toThrow(/already exists/);
    });
    expect(await recordedMigrations(url)).toEqual([{ version: 1, name: "0001_initial" }]);
    const columns = await pgServer.sql<{ column_name: string }>(
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'runs' AND column_name = 'completed_at_ts'",
    );
    expect(columns).toEqual([]);
  });
});
