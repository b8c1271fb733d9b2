import { StorageUnavailableError, type RunEvent } from "@openwop/storage";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, newRun, numberedEvents, T0 } from "@openwop/storage/testing";
import { openPostgresAdapter } from "./open-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

/** Connections dying, servers going away, claims taken over: the adapter must stay correct and recover. */
let pgServer: TestPostgres;

beforeAll(async () => {
  pgServer = await startTestPostgres();
});

afterAll(async () => {
  await pgServer?.stop();
});

async function terminateAll(url: string, applicationName: string): Promise<number> {
  const rows = await pgServer.sql<{ terminated: boolean }>(
    url,
    "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name LIKE $1",
    [`${applicationName}%`],
  );
  return rows.filter((row) => row.terminated).length;
}

describe("pg_terminate_backend of every connection while commits are in flight", () => {
  it("each commit resolves or rejects as unavailable, resolved commits are all in the log, and the adapter recovers", {
    timeout: 60_000,
  }, async () => {
    const url = await pgServer.freshDatabase();
    const backgroundErrors: Error[] = [];
    const adapter = await openPostgresAdapter({
      connectionString: url,
      applicationName: "victim",
      poolSize: 8,
      onBackgroundError: (error) => backgroundErrors.push(error),
    });
    try {
      const runs = Array.from({ length: 4 }, () => newRun({ status: "running" }));
      for (const run of runs) await adapter.createRun({ run });

      const resolved: RunEvent[][] = [];
      const rejections: unknown[] = [];
      let stop = false;
      const writers = Array.from({ length: 24 }, async (_, writer) => {
        const runId = runs[writer % runs.length]!.runId;
        while (!stop) {
          try {
            resolved.push(await adapter.commitStep({ runId, events: numberedEvents(2, { payload: { writer } }) }));
          } catch (error) {
            rejections.push(error);
          }
        }
      });

      // Rounds are paced by commits, not by the clock: each waits for ten more commits to
      // resolve, then terminates every connection it finds (waiting until there is one), so
      // a loaded machine makes the test slower, never weaker.
      const moreCommits = async (count: number, what: string) => {
        const target = resolved.length + count;
        await eventually(() => resolved.length >= target, what, 30_000);
      };
      let terminated = 0;
      for (let round = 1; round <= 5; round++) {
        await moreCommits(10, `ten more commits before termination round ${round}`);
        const before = terminated;
        await eventually(
          async () => {
            terminated += await terminateAll(url, "victim");
            return terminated > before;
          },
          `a connection to terminate in round ${round}`,
          30_000,
        );
      }
      await moreCommits(10, "ten commits after the last termination");
      stop = true;
      await Promise.all(writers);

      expect(terminated).toBeGreaterThanOrEqual(5);
      for (const error of rejections) expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(resolved.length).toBeGreaterThanOrEqual(60);

      // Recovered without a restart: fresh connections serve new work, listener included.
      await eventually(async () => {
        const rows = await pgServer.sql(url, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'victim:listen'");
        return rows.length === 1;
      }, "the listener to reconnect");
      await expect(adapter.ping()).resolves.toBeUndefined();
      const after = await adapter.commitStep({ runId: runs[0]!.runId, events: numberedEvents(1) });
      expect(after).toHaveLength(1);

      // Every resolved commit is in the log, exactly as it was acknowledged, and every log
      // is still gapless (a rejected commit may or may not have landed: its outcome was unknown).
      for (const run of runs) {
        const log = await adapter.readEvents(run.runId, { limit: 100_000 });
        expect(log.map((event) => event.sequence)).toEqual(log.map((_, index) => index));
        const byEventId = new Map(log.map((event) => [event.eventId, event]));
        for (const event of resolved.flat().filter((candidate) => candidate.runId === run.runId)) {
          expect(byEventId.get(event.eventId)).toEqual(event);
        }
      }
      expect(backgroundErrors.length).toBeGreaterThan(0);
    } finally {
      await adapter.close();
    }
  });
});

describe("a pool that stays exhausted", () => {
  it("rejects with StorageUnavailableError after the connection timeout", async () => {
    const url = await pgServer.freshDatabase();
    const connectionTimeoutMs = 200;
    const adapter = await openPostgresAdapter({ connectionString: url, poolSize: 1, connectionTimeoutMs });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      const run = newRun({ status: "running" });
      await adapter.createRun({ run });
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM runs WHERE run_id = $1 FOR UPDATE", [run.runId]);
      // This step holds the only pooled connection while it waits for the row lock.
      const blocked = adapter.commitStep({ runId: run.runId, events: numberedEvents(1) });
      // Until Postgres shows the step waiting on the lock, it may not hold the connection yet.
      await eventually(async () => {
        const waiting = await pgServer.sql<{ n: string }>(
          url,
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return Number(waiting[0]?.n) > 0;
      }, "the step to wait on the row lock");
      const started = Date.now();
      await expect(adapter.getRun(run.runId)).rejects.toBeInstanceOf(StorageUnavailableError);
      // Refused after about the connection timeout, not held until the lock goes: generous
      // slack over the configured value for a loaded machine.
      expect(Date.now() - started).toBeLessThan(10 * connectionTimeoutMs);
      await locker.query("COMMIT");
      expect(await blocked).toHaveLength(1);
      expect((await adapter.getRun(run.runId))?.lastSequence).toBe(0);
    } finally {
      await locker.end();
      await adapter.close();
    }
  });
});

describe("a server outage", () => {
  it("rejects calls with StorageUnavailableError while the server is down and recovers when it returns", {
    timeout: 60_000,
  }, async () => {
    const url = await pgServer.freshDatabase();
    const reader = await openPostgresAdapter({ connectionString: url, applicationName: "outage-reader" });
    const writer = await openPostgresAdapter({ connectionString: url, applicationName: "outage-writer" });
    try {
      const run = newRun({ status: "running" });
      await writer.createRun({ run });
      const heard: number[] = [];
      reader.watchEvents(run.runId, (lastSequence) => heard.push(lastSequence));

      await pgServer.server.stopServer();
      try {
        await expect(reader.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(writer.getRun(run.runId)).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(writer.commitStep({ runId: run.runId, events: numberedEvents(1) })).rejects.toBeInstanceOf(
          StorageUnavailableError,
        );
        await expect(writer.claimRun(run.runId, "w", 1_000, T0)).rejects.toBeInstanceOf(StorageUnavailableError);
      } finally {
        await pgServer.server.startServer();
      }

      await expect(reader.ping()).resolves.toBeUndefined();
      const appended = await writer.commitStep({ runId: run.runId, events: numberedEvents(2) });
      expect(appended.map((event) => event.sequence)).toEqual([0, 1]);
      // The reader's listener found its way back (its backoff is capped at 5 s).
      await eventually(() => heard.includes(1), "the reader to hear the commit after the outage", 15_000);
    } finally {
      await Promise.all([reader.close(), writer.close()]);
    }
  });
});

describe("fencing across processes", () => {
  it("rejects the old holder's write once another holder took the expired claim, and keeps the new holder's", async () => {
    const url = await pgServer.freshDatabase();
    const hostA = await openPostgresAdapter({ connectionString: url, applicationName: "host-a" });
    const hostB = await openPostgresAdapter({ connectionString: url, applicationName: "host-b" });
    try {
      const run = newRun({ status: "running" });
      await hostA.createRun({ run });
      const claimA = await hostA.claimRun(run.runId, "host-a", 1_000, T0);
      await hostA.commitStep({
        runId: run.runId,
        fence: { holderId: "host-a", epoch: claimA!.epoch },
        events: numberedEvents(1, { payload: { by: "a" } }),
      });
      // Host A stalls past its lease; host B takes the run over through the same CAS.
      expect(await hostB.claimRun(run.runId, "host-b", 1_000, T0 + 500)).toBeNull();
      const claimB = await hostB.claimRun(run.runId, "host-b", 30_000, T0 + 2_000);
      expect(claimB?.epoch).toBe(claimA!.epoch + 1);

      await expect(
        hostA.commitStep({
          runId: run.runId,
          fence: { holderId: "host-a", epoch: claimA!.epoch },
          events: numberedEvents(1, { payload: { by: "a-late" } }),
          patch: { status: "completed" },
        }),
      ).rejects.toMatchObject({ name: "ClaimLostError", runId: run.runId, holderId: "host-a" });
      // Renewal cannot resurrect it either: it is scoped to the holder, who no longer holds it.
      expect(await hostA.renewClaims("host-a", 30_000, T0 + 2_001)).toEqual([]);

      await hostB.commitStep({
        runId: run.runId,
        fence: { holderId: "host-b", epoch: claimB!.epoch },
        events: numberedEvents(1, { payload: { by: "b" } }),
      });
      const log = await hostA.readEvents(run.runId);
      expect(log.map((event) => (event.payload as { by: string }).by)).toEqual(["a", "b"]);
      expect((await hostA.getRun(run.runId))?.status).toBe("running");
    } finally {
      await Promise.all([hostA.close(), hostB.close()]);
    }
  });
});

describe("a server that turns read-only", () => {
  it("rejects writes with StorageUnavailableError, still reads, and writes again once it is writable", {
    timeout: 60_000,
  }, async () => {
    const url = await pgServer.freshDatabase();
    const adapter = await openPostgresAdapter({ connectionString: url, applicationName: "read-only" });
    // A session of its own that stays writable, to switch the cluster default back and forth
    // (as maintenance does, and as a hot standby answers every write).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("SET default_transaction_read_only = off");
    const setReadOnly = async (on: boolean): Promise<void> => {
      await admin.query(
        on ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only",
      );
      await admin.query("SELECT pg_reload_conf()");
    };
    try {
      const run = newRun({ status: "running" });
      await adapter.createRun({ run });
      await setReadOnly(true);
      // A backend applies a reload between statements; wait until the pool's do.
      await eventually(
        async () =>
          await adapter.commitStep({ runId: run.runId, events: numberedEvents(1) }).then(
            () => false,
            (error: unknown) => {
              // Anything but "unavailable" here is the bug: a 500 instead of a 503.
              expect(error).toBeInstanceOf(StorageUnavailableError);
              return true;
            },
          ),
        "writes to be refused",
        10_000,
      );
      await expect(adapter.createRun({ run: newRun() })).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(adapter.claimRun(run.runId, "w", 1_000, T0)).rejects.toBeInstanceOf(StorageUnavailableError);
      expect((await adapter.getRun(run.runId))?.runId).toBe(run.runId);
      // Reads work, but a readiness probe must not call a server that refuses writes ready.
      await expect(adapter.ping()).rejects.toBeInstanceOf(StorageUnavailableError);

      await setReadOnly(false);
      await eventually(
        async () =>
          adapter.commitStep({ runId: run.runId, events: numberedEvents(1) }).then(
            () => true,
            () => false,
          ),
        "writes to be accepted again",
        10_000,
      );
      await expect(adapter.ping()).resolves.toBeUndefined();
      const log = await adapter.readEvents(run.runId);
      expect(log.map((event) => event.sequence)).toEqual(log.map((_, index) => index));
    } finally {
      await setReadOnly(false).catch(() => undefined);
      await admin.end();
      await adapter.close();
    }
  });
});
