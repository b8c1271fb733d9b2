import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewRunRecord, StorageAdapter } from "@openwop/storage";
import { newApiKey, newEvent, newIdempotencyRecord, newRun, newSuspension } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

const NOW = Date.UTC(2030, 0, 1);

/** Text outside ASCII, so the reopened file proves it was stored as written. */
const run = (runId: string, overrides: Partial<NewRunRecord> = {}): NewRunRecord =>
  newRun({
    runId,
    definition: { id: "wf", nodes: [{ id: "a" }] },
    inputs: { text: "héllo 🚀" },
    variables: { text: "héllo 🚀" },
    tags: ["persisted"],
    ...overrides,
  });

describe("SQLite durability across reopen", () => {
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

  it("preserves runs, events, claims, suspensions, idempotency records, keys and tombstones", async () => {
    const path = directory.file("durable.db");
    const writer = openSqliteAdapter({ path });
    await writer.createRun({
      run: run("run-1"),
      events: [newEvent("run.created", { n: 1 })],
    });
    const claim = await writer.claimRun("run-1", "holder-a", 60_000, NOW);
    const suspension = newSuspension("run-1", {
      suspensionId: "susp-1",
      nodeId: "a",
      data: { prompt: "ok?" },
      createdAt: "2030-01-01T00:00:01.000Z",
    });
    const stepEvents = await writer.commitStep({
      runId: "run-1",
      fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 },
      events: [newEvent("node.suspended", {}, { nodeId: "a" })],
      patch: { status: "running", startedAt: "2030-01-01T00:00:01.000Z" },
      createSuspensions: [suspension],
    });
    const pendingKey = newIdempotencyRecord({
      recordKey: "key-1",
      endpoint: "POST /v1/runs/run-1/cancel",
      requestDigest: "sha256:1",
      leaseExpiresAt: NOW + 30_000,
      createdAt: "2030-01-01T00:00:00.000Z",
    });
    await writer.claimIdempotencyKey(pendingKey, NOW);
    const key = newApiKey({ keyHash: "hash", scopes: ["runs:read"], label: "k" });
    await writer.createApiKey(key);
    await writer.rotateApiKey(
      key.tenantId,
      key.keyId,
      newApiKey({ keyHash: "successor-hash", replaces: key.keyId }),
      "2030-01-02T00:00:00.000Z",
      "2030-01-01T00:00:00.000Z",
    );
    await writer.recordAuthFailures([
      {
        tenantId: "tenant-a",
        reason: "revoked",
        keyPrefix: null,
        route: "GET /v1/runs/{runId}",
        count: 2,
        firstSeen: "2030-01-01T00:00:00.000Z",
        lastSeen: "2030-01-01T00:00:05.000Z",
      },
    ]);
    const keyVersion = await writer.keyStateVersion();
    await writer.createRun({ run: run("run-gone", { status: "completed", completedAt: "2030-01-01T00:00:00.000Z" }) });
    await writer.expireRun("run-gone", "2030-02-01T00:00:00.000Z");
    const runBefore = await writer.getRun("run-1");
    const logBefore = await writer.readEvents("run-1");
    await writer.close();

    adapter = openSqliteAdapter({ path });
    expect(await adapter.getRun("run-1")).toEqual(runBefore);
    expect(runBefore).toMatchObject({ status: "running", claim, lastSequence: 1 });
    expect(await adapter.readEvents("run-1")).toEqual(logBefore);
    expect(logBefore.slice(1)).toEqual(stepEvents);
    expect(await adapter.listSuspensions("run-1")).toEqual([suspension]);
    expect(await adapter.getIdempotencyRecord("key-1")).toEqual(pendingKey);
    expect(await adapter.findApiKey("hash")).toMatchObject({ label: "k" });
    expect(await adapter.findApiKey("hash")).toMatchObject({
      expiresAt: "2030-01-02T00:00:00.000Z",
      rotatedAt: "2030-01-01T00:00:00.000Z",
    });
    expect(await adapter.findApiKey("successor-hash")).toMatchObject({ replaces: key.keyId });
    expect(await adapter.keyStateVersion()).toBe(keyVersion);
    expect(await adapter.listAuthFailures("tenant-a", "2030-01-01T00:00:00.000Z")).toMatchObject([
      { keyPrefix: null, count: 2 },
    ]);
    expect(await adapter.getTombstone("run-gone")).toEqual({
      runId: "run-gone",
      tenantId: "tenant-a",
      expiredAt: "2030-02-01T00:00:00.000Z",
    });

    // The reopened log continues gaplessly, fenced by the claim taken before the restart.
    const [next] = await adapter.commitStep({
      runId: "run-1",
      fence: { holderId: "holder-a", epoch: claim?.epoch ?? -1 },
      events: [newEvent("node.resumed")],
    });
    expect(next?.sequence).toBe(2);
  });
});
