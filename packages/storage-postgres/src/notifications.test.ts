import { subscribeToRunEvents, type RunEvent } from "@openwop/storage";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, newRun, numberedEvents } from "@openwop/storage/testing";
import { openPostgresAdapter } from "./open-adapter.js";
import type { PostgresStorageAdapter } from "./postgres-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

/** Two adapters on one database stand in for two host processes: only Postgres connects them. */
let pg: TestPostgres;
let url: string;
let reader: PostgresStorageAdapter;
let writer: PostgresStorageAdapter;
const backgroundErrors: Error[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  url = await pg.freshDatabase();
  reader = await openPostgresAdapter({
    connectionString: url,
    applicationName: "reader",
    onBackgroundError: (error) => backgroundErrors.push(error),
  });
  writer = await openPostgresAdapter({ connectionString: url, applicationName: "writer" });
});

afterEach(async () => {
  await Promise.all([reader.close(), writer.close()]);
});

function collect(
  adapter: PostgresStorageAdapter,
  runId: string,
): { events: RunEvent[]; errors: unknown[]; stop: () => void } {
  const events: RunEvent[] = [];
  const errors: unknown[] = [];
  const stop = subscribeToRunEvents(adapter, runId, {
    fromSequence: 0,
    onEvent: (event) => events.push(event),
    onError: (error) => errors.push(error),
  });
  return { events, errors, stop };
}

async function terminate(applicationName: string): Promise<number> {
  const rows = await pg.sql<{ terminated: boolean }>(
    url,
    "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1",
    [applicationName],
  );
  return rows.filter((row) => row.terminated).length;
}

async function listenerPids(applicationName: string): Promise<number[]> {
  const rows = await pg.sql<{ pid: number }>(url, "SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
    applicationName,
  ]);
  return rows.map((row) => row.pid);
}

describe("LISTEN/NOTIFY across adapters", () => {
  it("delivers events committed through another adapter to a subscriber, in order, without gaps", async () => {
    const run = newRun({ status: "running" });
    await writer.createRun({ run, events: numberedEvents(2, { payload: { batch: 0 } }) });
    const subscription = collect(reader, run.runId);
    for (let batch = 1; batch <= 10; batch++) {
      await writer.commitStep({ runId: run.runId, events: numberedEvents(3, { payload: { batch } }) });
    }
    await eventually(() => subscription.events.length === 32, "32 events on the reader");
    expect(subscription.events.map((event) => event.sequence)).toEqual(Array.from({ length: 32 }, (_, index) => index));
    expect(subscription.errors).toEqual([]);
    subscription.stop();
  });

  it("wakes work watchers in another adapter when a run is created or its claim released", async () => {
    let wakeUps = 0;
    reader.watchWork(() => wakeUps++);
    const run = newRun();
    await writer.createRun({ run });
    await eventually(() => wakeUps > 0, "a work notification for the created run");

    await writer.claimRun(run.runId, "worker", 30_000, Date.now());
    const before = wakeUps;
    await writer.releaseClaims("worker");
    await eventually(() => wakeUps > before, "a work notification for the released claim");
  });

  it("a notification's payload is only a hint: readers still fetch the rows", async () => {
    const run = newRun({ status: "running" });
    await writer.createRun({ run });
    const subscription = collect(reader, run.runId);
    // A forged notification naming a sequence that does not exist delivers nothing.
    await pg.sql(url, `SELECT pg_notify('openwop_events', $1)`, [`${run.runId}:41`]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(subscription.events).toEqual([]);
    subscription.stop();
  });
});

describe("listener reconnection", () => {
  it("reconnects after its backend is terminated, and delivers what was committed while it was down", async () => {
    const run = newRun({ status: "running" });
    await writer.createRun({ run });
    const subscription = collect(reader, run.runId);
    let wakeUps = 0;
    reader.watchWork(() => wakeUps++);
    const [firstPid] = await listenerPids("reader:listen");
    expect(firstPid).toBeDefined();

    expect(await terminate("reader:listen")).toBe(1);
    // Committed while the reader is (very likely) not listening: only the catch-up after
    // reconnecting can deliver these.
    await writer.commitStep({ runId: run.runId, events: numberedEvents(3) });
    await eventually(async () => {
      const pids = await listenerPids("reader:listen");
      return pids.length === 1 && pids[0] !== firstPid;
    }, "a new listening connection");
    await eventually(() => subscription.events.length === 3, "the events committed while disconnected");
    expect(wakeUps).toBeGreaterThan(0);

    // And live delivery works again on the new connection.
    await writer.commitStep({ runId: run.runId, events: numberedEvents(2) });
    await eventually(() => subscription.events.length === 5, "events committed after reconnecting");
    expect(subscription.events.map((event) => event.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(backgroundErrors.length).toBeGreaterThan(0);
    subscription.stop();
  });
});

describe("announcements", () => {
  it("wakes a watcher once per commit of its own process, not again for the NOTIFY echo, and for every peer commit", async () => {
    const run = newRun({ status: "running" });
    await writer.createRun({ run });
    const heard: number[] = [];
    const stop = reader.watchEvents(run.runId, (lastSequence) => heard.push(lastSequence));
    try {
      await reader.commitStep({ runId: run.runId, events: numberedEvents(2) });
      expect(heard).toEqual([1]);
      // Long enough for the echo of that commit to come back over the listening connection.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([1]);
      await writer.commitStep({ runId: run.runId, events: numberedEvents(1) });
      await eventually(() => heard.length === 2, "the peer's commit");
      expect(heard).toEqual([1, 2]);
    } finally {
      stop();
    }
  });
});
