import { assertSpiCompatible, type IdempotencyRecord } from "@openwop/storage";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isoAt, newApiKey, newRun, numberedEvents, T0 } from "@openwop/storage/testing";
import { CLAIMABLE_STATUSES } from "./claimable.js";
import { openPostgresAdapter } from "./open-adapter.js";
import type { PostgresStorageAdapter } from "./postgres-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

/**
 * The adapter's own behaviour tests, Postgres specifics included. The shared contract
 * kit (contract.test.ts) is the authority on SPI semantics; these pin down what this
 * adapter adds or decides (JSON fidelity, claim SQL, idempotency races, retention).
 */

let pg: TestPostgres;
let url: string;
let adapter: PostgresStorageAdapter;

beforeAll(async () => {
  pg = await startTestPostgres();
  url = await pg.freshDatabase();
});

afterAll(async () => {
  await pg?.stop();
});

// Tests run one at a time, each with its own adapter over an emptied database.
beforeEach(async () => {
  adapter = await openPostgresAdapter({ connectionString: url, applicationName: "spi-test" });
});

afterEach(async () => {
  await adapter.close();
  await pg.emptyEveryTable(url);
});

describe("identity", () => {
  it("declares a durable postgres adapter for SPI 2.x", () => {
    expect(adapter.name).toBe("postgres");
    expect(adapter.durable).toBe(true);
    expect(() => assertSpiCompatible(adapter)).not.toThrow();
  });

  it("answers ping", async () => {
    await expect(adapter.ping()).resolves.toBeUndefined();
  });
});

describe("runs and steps", () => {
  it("keeps JSON text exactly as written: key order, NUL, big and tiny numbers", async () => {
    const awkward = { z: 1, a: { y: [1.5e300, 1e-7, 0.1 + 0.2], b: "nul\u0000end 🚀" }, "": null };
    const run = newRun({ inputs: awkward, engineState: awkward, error: { code: "x", message: "\u0000" } });
    await adapter.createRun({ run, events: [{ type: "run.created", payload: awkward, timestamp: isoAt(0) }] });
    const stored = await adapter.getRun(run.runId);
    expect(JSON.stringify(stored?.inputs)).toBe(JSON.stringify(awkward));
    expect(JSON.stringify(stored?.engineState)).toBe(JSON.stringify(awkward));
    const [event] = await adapter.readEvents(run.runId);
    expect(JSON.stringify(event?.payload)).toBe(JSON.stringify(awkward));
  });

  it("stores scalar and null payloads", async () => {
    const run = newRun();
    const payloads = [null, "text", 42, true, [], {}];
    await adapter.createRun({
      run,
      events: payloads.map((payload) => ({ type: "x", payload, timestamp: isoAt(0) })),
    });
    expect((await adapter.readEvents(run.runId)).map((event) => event.payload)).toEqual(payloads);
  });

  it("reads from an inclusive sequence with a default limit of 100", async () => {
    const run = newRun();
    await adapter.createRun({ run, events: numberedEvents(150) });
    expect(await adapter.readEvents(run.runId)).toHaveLength(100);
    const tail = await adapter.readEvents(run.runId, { fromSequence: 120, limit: 1000 });
    expect(tail.map((event) => event.sequence)).toEqual(Array.from({ length: 30 }, (_, index) => 120 + index));
    expect(await adapter.readEvents(run.runId, { fromSequence: 5, limit: 0 })).toEqual([]);
    expect((await adapter.latestEvent(run.runId))?.sequence).toBe(149);
    expect(await adapter.latestEvent("no-such-run")).toBeNull();
  });

  it("creates and settles suspensions in steps, compare-and-set on their state", async () => {
    const run = newRun({ status: "running" });
    await adapter.createRun({ run });
    const suspension = {
      suspensionId: "susp-1",
      runId: run.runId,
      nodeId: "b",
      kind: "approval" as const,
      status: "pending" as const,
      data: { prompt: "ok?\u0000", z: 1, a: 2 },
      createdAt: isoAt(1),
      resolvedAt: null,
      resumeValue: null,
    };
    await adapter.commitStep({
      runId: run.runId,
      createSuspensions: [suspension],
      patch: { status: "waiting-approval" },
    });
    expect(await adapter.listSuspensions(run.runId, { status: "pending" })).toEqual([suspension]);

    const settle = { suspensionId: "susp-1", from: "pending" as const, to: "resolved" as const, resolvedAt: isoAt(2) };
    await adapter.commitStep({
      runId: run.runId,
      settleSuspensions: [{ ...settle, resumeValue: { approved: true, note: "\u0000" } }],
      patch: { status: "running" },
      events: [{ type: "interrupt.resolved", payload: {}, timestamp: isoAt(2) }],
    });
    expect(await adapter.listSuspensions(run.runId)).toEqual([
      { ...suspension, status: "resolved", resolvedAt: isoAt(2), resumeValue: { approved: true, note: "\u0000" } },
    ]);
    expect(await adapter.listSuspensions(run.runId, { status: "pending" })).toEqual([]);

    // The same transition again finds it resolved: nothing of the step applies.
    await expect(
      adapter.commitStep({
        runId: run.runId,
        settleSuspensions: [settle],
        patch: { status: "completed" },
        events: [{ type: "x", payload: {}, timestamp: isoAt(3) }],
      }),
    ).rejects.toMatchObject({ name: "StorageConflictError", reason: "suspension-state" });
    const after = await adapter.getRun(run.runId);
    expect(after).toMatchObject({ status: "running", lastSequence: 0 });
  });
});

describe("claims", () => {
  it("claims with one compare-and-set: a live claim cannot be taken, an expired one can, with a new epoch", async () => {
    const run = newRun();
    await adapter.createRun({ run });
    const first = await adapter.claimRun(run.runId, "worker-a", 1_000, T0);
    expect(first).toEqual({ holderId: "worker-a", expiresAt: T0 + 1_000, epoch: 1 });
    expect(await adapter.claimRun(run.runId, "worker-b", 1_000, T0 + 999)).toBeNull();
    // Expired from the instant expiresAt, as the contract kit pins it.
    const second = await adapter.claimRun(run.runId, "worker-b", 1_000, T0 + 1_000);
    expect(second).toEqual({ holderId: "worker-b", expiresAt: T0 + 2_000, epoch: 2 });
    expect((await adapter.getRun(run.runId))?.claim).toEqual(second);
  });

  it("lets exactly one of many racing claimers win", async () => {
    const run = newRun();
    await adapter.createRun({ run });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => adapter.claimRun(run.runId, `worker-${index}`, 30_000, T0)),
    );
    expect(outcomes.filter((claim) => claim !== null)).toHaveLength(1);
  });

  it("never claims terminal, waiting, paused or missing runs", async () => {
    for (const status of [
      "completed",
      "failed",
      "cancelled",
      "waiting-approval",
      "waiting-input",
      "waiting-external",
      "paused",
    ] as const) {
      const run = newRun({ status });
      await adapter.createRun({ run });
      expect(await adapter.claimRun(run.runId, "worker", 1_000, T0)).toBeNull();
    }
    expect(await adapter.claimRun("missing", "worker", 1_000, T0)).toBeNull();
  });

  it("renews only the holder's claims and releases them", async () => {
    const mine = newRun({ createdAt: isoAt(1) });
    const theirs = newRun({ createdAt: isoAt(2) });
    await adapter.createRun({ run: mine });
    await adapter.createRun({ run: theirs });
    await adapter.claimRun(mine.runId, "me", 1_000, T0);
    await adapter.claimRun(theirs.runId, "them", 1_000, T0);
    expect(await adapter.renewClaims("me", 5_000, T0 + 500)).toEqual([mine.runId]);
    expect((await adapter.getRun(mine.runId))?.claim?.expiresAt).toBe(T0 + 5_500);
    expect((await adapter.getRun(theirs.runId))?.claim?.expiresAt).toBe(T0 + 1_000);
    await adapter.releaseClaims("me");
    expect((await adapter.getRun(mine.runId))?.claim).toBeNull();
    expect((await adapter.getRun(theirs.runId))?.claim?.holderId).toBe("them");
    await adapter.releaseClaims("them", []);
    expect((await adapter.getRun(theirs.runId))?.claim?.holderId).toBe("them");
  });

  it("lists claimable runs oldest first, skipping live claims, waiting, paused and terminal runs", async () => {
    const ids: string[] = [];
    const statuses = ["pending", "running", "completed", "waiting-input", "cancelling", "paused", "pending"] as const;
    for (const [index, status] of statuses.entries()) {
      const run = newRun({ status, createdAt: isoAt(100 - index) });
      ids.push(run.runId);
      await adapter.createRun({ run });
    }
    await adapter.claimRun(ids[1]!, "worker", 1_000, T0);
    const listed = await adapter.listClaimableRuns(T0 + 10, 10);
    expect(listed).toEqual([ids[6], ids[4], ids[0]]);
    expect(await adapter.listClaimableRuns(T0 + 10, 2)).toEqual([ids[6], ids[4]]);
    // Once the claim expires the run is listed again.
    expect(await adapter.listClaimableRuns(T0 + 1_001, 10)).toContain(ids[1]);
    expect(await adapter.countRunsByStatus()).toEqual({
      pending: 2,
      running: 1,
      completed: 1,
      "waiting-input": 1,
      cancelling: 1,
      paused: 1,
    });
  });

  it("keeps the work-queue index predicate in step with the claimable statuses", async () => {
    const [index] = await pg.sql<{ indexdef: string }>(
      url,
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'runs_claimable'",
    );
    const listed = [...(index?.indexdef.matchAll(/'([a-z-]+)'/g) ?? [])].map((match) => match[1]);
    expect(listed.sort()).toEqual([...CLAIMABLE_STATUSES].sort());
  });

  it("does not make listing workers wait for a row another transaction holds", async () => {
    const locked = newRun({ createdAt: isoAt(1) });
    const free = newRun({ createdAt: isoAt(2) });
    await adapter.createRun({ run: locked });
    await adapter.createRun({ run: free });
    const pgModule = await import("pg");
    const holder = new pgModule.default.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM runs WHERE run_id = $1 FOR UPDATE", [locked.runId]);
      expect(await adapter.listClaimableRuns(T0, 10)).toEqual([free.runId]);
      await holder.query("ROLLBACK");
      expect(await adapter.listClaimableRuns(T0, 10)).toEqual([locked.runId, free.runId]);
    } finally {
      await holder.end();
    }
  });
});

describe("idempotency records", () => {
  const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
    recordKey: "key-1",
    tenantId: "tenant-a",
    endpoint: "POST /v1/runs/{runId}/cancel",
    requestDigest: "sha256:a",
    state: "pending",
    leaseExpiresAt: T0 + 1_000,
    response: null,
    createdAt: isoAt(0),
    ...overrides,
  });

  it("claims once; later claimers see the record; an expired pending lease is taken over", async () => {
    expect(await adapter.claimIdempotencyKey(record(), T0)).toEqual({ outcome: "claimed", record: record() });
    expect(await adapter.claimIdempotencyKey(record({ requestDigest: "sha256:b" }), T0 + 10)).toEqual({
      outcome: "existing",
      record: record(),
    });
    const takeover = record({ requestDigest: "sha256:c", leaseExpiresAt: T0 + 5_000 });
    expect(await adapter.claimIdempotencyKey(takeover, T0 + 1_001)).toEqual({ outcome: "claimed", record: takeover });
  });

  it("of racing claimers exactly one claims", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, index) => adapter.claimIdempotencyKey(record({ requestDigest: `d${index}` }), T0)),
    );
    expect(outcomes.filter((outcome) => outcome.outcome === "claimed")).toHaveLength(1);
  });

  it("completes, never releases a completed record, and purges by creation instant", async () => {
    await adapter.claimIdempotencyKey(record(), T0);
    const response = { status: 202, headers: { "x-a": "1" }, body: { ok: true } };
    await adapter.completeIdempotencyKey("key-1", response);
    await adapter.releaseIdempotencyKey("key-1");
    expect(await adapter.getIdempotencyRecord("key-1")).toEqual({ ...record(), state: "completed", response });
    // Different spellings of instants compare as instants, not as strings.
    await adapter.claimIdempotencyKey(record({ recordKey: "key-2", createdAt: "2030-01-01T13:00:00+01:00" }), T0);
    expect(await adapter.purgeIdempotencyRecords("2030-01-01T12:00:00.001Z")).toBe(2);
    expect(await adapter.getIdempotencyRecord("key-1")).toBeNull();
  });

  it("releases a pending record so the key can be claimed again", async () => {
    await adapter.claimIdempotencyKey(record(), T0);
    await adapter.releaseIdempotencyKey("key-1");
    expect((await adapter.claimIdempotencyKey(record(), T0)).outcome).toBe("claimed");
  });
});

describe("API keys", () => {
  it("stores, finds and revokes a key by its hash", async () => {
    const key = newApiKey({ keyHash: "sha256:k", scopes: ["runs:read"], label: "ci", kind: "test" });
    await adapter.createApiKey(key);
    expect(await adapter.findApiKey("sha256:k")).toEqual(key);
    await adapter.revokeApiKey(key.tenantId, key.keyId, isoAt(5));
    expect((await adapter.findApiKey("sha256:k"))?.revokedAt).toBe(isoAt(5));
    expect(await adapter.findApiKey("sha256:none")).toBeNull();
  });

  it("compares key instants as instants, whatever their offset, and returns them as written", async () => {
    // 13:00+01:00 is 12:00Z: the key expired at the rotation instant, though it sorts after it as text.
    const key = newApiKey({ expiresAt: "2030-01-01T13:00:00+01:00" });
    await adapter.createApiKey(key);
    expect(
      await adapter.rotateApiKey(key.tenantId, key.keyId, newApiKey(), isoAt(60_000), "2030-01-01T12:00:00.000Z"),
    ).toEqual({ refused: "expired" });
    const alive = newApiKey({ expiresAt: "2030-01-01T13:00:00+01:00" });
    await adapter.createApiKey(alive);
    const outcome = await adapter.rotateApiKey(alive.tenantId, alive.keyId, newApiKey(), isoAt(3_600_000), isoAt(-1));
    expect(outcome).toMatchObject({ rotated: { expiresAt: "2030-01-01T13:00:00+01:00" } });
  });

  it("shares the key-state version and key state between adapters (processes) on one database", async () => {
    const other = await openPostgresAdapter({ connectionString: url, applicationName: "spi-test-other" });
    try {
      const key = newApiKey();
      const before = await other.keyStateVersion();
      await adapter.createApiKey(key);
      const created = await other.keyStateVersion();
      expect(created).not.toBe(before);
      expect(await other.findApiKey(key.keyHash)).toEqual(key);
      await other.revokeApiKey(key.tenantId, key.keyId, isoAt(9));
      expect(await adapter.keyStateVersion()).not.toBe(created);
      expect((await adapter.findApiKey(key.keyHash))?.revokedAt).toBe(isoAt(9));
    } finally {
      await other.close();
    }
  });

  it("reconciles configured keys from several processes at once: each key stored once, every sync succeeds", async () => {
    const others = await Promise.all(
      [1, 2, 3].map((index) => openPostgresAdapter({ connectionString: url, applicationName: `spi-sync-${index}` })),
    );
    try {
      const configured = [newApiKey({ origin: "environment" }), newApiKey({ origin: "environment" })];
      const outcomes = await Promise.all(
        [adapter, ...others].map((each) => each.syncConfiguredKeys("environment", configured, isoAt(1))),
      );
      expect(outcomes.reduce((created, outcome) => created + outcome.created.length, 0)).toBe(2);
      for (const key of configured) expect(await adapter.findApiKey(key.keyHash)).toEqual(key);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });
});

describe("retention", () => {
  it("expires terminal runs completed before the cutoff, with their events and suspensions, leaving tombstones", async () => {
    const old = newRun({ status: "completed", completedAt: isoAt(0) });
    const recent = newRun({ status: "completed", completedAt: isoAt(10_000) });
    const live = newRun({ status: "running" });
    for (const run of [old, recent, live]) await adapter.createRun({ run, events: numberedEvents(3) });
    expect(await adapter.expireRuns(isoAt(5_000), 10, isoAt(20_000))).toEqual([old.runId]);
    expect(await adapter.getRun(old.runId)).toBeNull();
    expect(await adapter.readEvents(old.runId)).toEqual([]);
    expect(await adapter.getTombstone(old.runId)).toEqual({
      runId: old.runId,
      tenantId: "tenant-a",
      expiredAt: isoAt(20_000),
    });
    expect(await adapter.getRun(recent.runId)).not.toBeNull();

    expect(await adapter.expireRun(live.runId, isoAt(30_000))).toBe(true);
    expect(await adapter.expireRun(live.runId, isoAt(30_000))).toBe(false);
    expect(await adapter.getTombstone(live.runId)).toMatchObject({ runId: live.runId });
    expect(await adapter.getTombstone(recent.runId)).toBeNull();
  });
});

describe("watchers in one process", () => {
  it("hears its own commits at once, and stops hearing after unsubscribing", async () => {
    const run = newRun();
    await adapter.createRun({ run });
    const heard: number[] = [];
    const stop = adapter.watchEvents(run.runId, (lastSequence) => heard.push(lastSequence));
    await adapter.commitStep({ runId: run.runId, events: numberedEvents(2) });
    expect(heard).toContain(1);
    stop();
    stop();
    const before = heard.length;
    await adapter.commitStep({ runId: run.runId, events: numberedEvents(1) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(before);
  });

  it("keeps notifying the others when one watcher throws", async () => {
    const run = newRun();
    await adapter.createRun({ run });
    adapter.watchEvents(run.runId, () => {
      throw new Error("bad watcher");
    });
    const heard: number[] = [];
    adapter.watchEvents(run.runId, (lastSequence) => heard.push(lastSequence));
    await adapter.commitStep({ runId: run.runId, events: numberedEvents(1) });
    expect(heard).toContain(0);
  });
});

describe("close", () => {
  it("rejects calls after close with StorageUnavailableError", async () => {
    await adapter.close();
    await expect(adapter.getRun("x")).rejects.toMatchObject({ name: "StorageUnavailableError" });
    await expect(adapter.ping()).rejects.toMatchObject({ name: "StorageUnavailableError" });
    await adapter.close();
  });
});
