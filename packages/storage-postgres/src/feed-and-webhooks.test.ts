import type { FeedEntry } from "@openwop/storage";
import { eventually, isoAt, newRun, newSubscription, numberedEvents, T0 } from "@openwop/storage/testing";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPostgresAdapter } from "./open-adapter.js";
import type { PostgresStorageAdapter } from "./postgres-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

/**
 * The feed and the webhook store with several adapters on one database, standing in for
 * several host processes: each has its own pool, so their transactions really interleave.
 */
let pgServer: TestPostgres;
let url: string;
let writerA: PostgresStorageAdapter;
let writerB: PostgresStorageAdapter;
let reader: PostgresStorageAdapter;

beforeAll(async () => {
  pgServer = await startTestPostgres();
});

afterAll(async () => {
  await pgServer?.stop();
});

beforeEach(async () => {
  url = await pgServer.freshDatabase();
  const open = (applicationName: string) =>
    openPostgresAdapter({ connectionString: url, applicationName, poolSize: 6 });
  [writerA, writerB, reader] = await Promise.all([open("writer-a"), open("writer-b"), open("reader")]);
});

afterEach(async () => {
  await Promise.all([writerA.close(), writerB.close(), reader.close()]);
});

const keyOf = (entry: FeedEntry): string => `${entry.event.runId}#${entry.event.sequence}`;

/** Reads the tenant's feed after `after` until a page comes back empty. */
async function drain(
  adapter: PostgresStorageAdapter,
  after: string | undefined,
  seen: FeedEntry[],
): Promise<string | undefined> {
  let position = after;
  for (;;) {
    const page = await adapter.readFeed("tenant-a", {
      limit: 50,
      ...(position === undefined ? {} : { after: position }),
    });
    if (page.length === 0) return position;
    seen.push(...page);
    position = page.at(-1)?.position;
  }
}

/** A raw session, for holding locks and transactions open. */
async function session(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  return client;
}

describe("the feed with concurrent writers in several processes", () => {
  it("a reader following the feed sees every event exactly once, each run in sequence order", {
    timeout: 120_000,
  }, async () => {
    const runs = Array.from({ length: 6 }, () => newRun({ status: "running" }));
    for (const run of runs) await writerA.createRun({ run, events: numberedEvents(1) });
    let writing = true;
    // Both processes write to every run, so steps of one run race across processes too.
    const writers = Promise.all(
      [writerA, writerB].flatMap((writer, process) =>
        runs.map(async (run, index) => {
          for (let step = 0; step < 12; step++) {
            await writer.commitStep({
              runId: run.runId,
              events: numberedEvents(1 + ((step + index + process) % 3), { payload: { process, step } }),
            });
          }
        }),
      ),
    ).finally(() => {
      writing = false;
    });
    const seen: FeedEntry[] = [];
    let after: string | undefined;
    let reads = 0;
    while (writing) {
      const page = await reader.readFeed("tenant-a", { limit: 7, ...(after === undefined ? {} : { after }) });
      reads += 1;
      seen.push(...page);
      after = page.at(-1)?.position ?? after;
    }
    await writers;
    await drain(reader, after, seen);

    const logged = (await Promise.all(runs.map((run) => reader.readEvents(run.runId, { limit: 10_000 })))).flat();
    expect(logged.length).toBeGreaterThanOrEqual(6 * (1 + 2 * 12));
    expect(reads).toBeGreaterThan(10);
    const keys = seen.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(logged.map((event) => `${event.runId}#${event.sequence}`).sort());
    for (const run of runs) {
      const sequences = seen.filter((entry) => entry.event.runId === run.runId).map((entry) => entry.event.sequence);
      expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, index) => index));
    }
  });

  it("an event whose transaction began first but commits last is not skipped by a reader that read in between", async () => {
    const stalled = newRun({ runId: "run-stalled", status: "running" });
    const free = newRun({ runId: "run-free", status: "running" });
    await writerA.createRun({ run: stalled });
    await writerA.createRun({ run: free });
    // Sabotage for the test: an insert into run-stalled's log waits for an advisory lock the test holds, after its
    // transaction has updated the run row (and so has its transaction id and a place in the feed's sequence).
    await pgServer.sql(
      url,
      `CREATE FUNCTION stall_events() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.run_id = 'run-stalled' THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF;
         RETURN NEW;
       END $$`,
    );
    await pgServer.sql(
      url,
      "CREATE TRIGGER stall BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION stall_events()",
    );
    const holder = await session();
    try {
      await holder.query("SELECT pg_advisory_lock(4242)");
      const stalledStep = writerA.commitStep({
        runId: stalled.runId,
        events: numberedEvents(1, { payload: { late: true } }),
      });
      await eventually(
        async () =>
          (
            await pgServer.sql<{ waiting: number }>(
              url,
              "SELECT count(*)::integer AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
            )
          )[0]?.waiting === 1,
        "the stalled step to wait for the lock",
      );
      const [early] = await writerB.commitStep({ runId: free.runId, events: numberedEvents(1) });
      // The reader reads while the stalled step is still open: whatever it gets, it must not be led past the stalled event.
      const seen: FeedEntry[] = [];
      const during = await drain(reader, undefined, seen);
      expect(seen.map(keyOf)).not.toContain("run-stalled#0");

      await holder.query("SELECT pg_advisory_unlock(4242)");
      const [late] = await stalledStep;
      await drain(reader, during, seen);
      expect(seen.map(keyOf).sort()).toEqual(["run-free#0", "run-stalled#0"]);
      expect(seen.map((entry) => entry.event.eventId).sort()).toEqual([early?.eventId, late?.eventId].sort());
    } finally {
      await holder.end();
    }
  });

  it("events held back by a transaction that notifies nobody reach feed watchers once it ends", async () => {
    const run = newRun({ status: "running" });
    await writerA.createRun({ run });
    const blocker = await session();
    const seen: FeedEntry[] = [];
    let position: string | undefined;
    let reading = Promise.resolve();
    let wakeups = 0;
    // A watcher as a long-polling host runs it: every wake-up reads on from where it was.
    const stop = reader.watchFeed(() => {
      wakeups += 1;
      reading = reading.then(async () => {
        position = await drain(reader, position, seen);
      });
    });
    try {
      // An open transaction with an id older than the step's holds the feed's horizon back.
      await blocker.query("BEGIN");
      await blocker.query("SELECT pg_current_xact_id()");
      const appended = await writerA.commitStep({ runId: run.runId, events: numberedEvents(1) });
      // Woken by the commit's notification, then again and again while the event is held back.
      await eventually(() => wakeups >= 3, "the watcher woken again while the event is held back");
      await reading;
      expect(seen).toEqual([]);
      expect(await reader.readFeed("tenant-a", { limit: 10 })).toEqual([]);
      // Its end is no append: only the adapter's own retry can wake the watcher now.
      await blocker.query("COMMIT");
      await eventually(() => seen.length === 1, "the held-back event to reach the watcher", 5_000);
      expect(seen.map((entry) => entry.event)).toEqual(appended);
    } finally {
      stop();
      await blocker.end().catch(() => {});
    }
  });
});

describe("webhook deliveries with several processes", () => {
  /** A failure of `deliveryId` reported by `holderId`, with a circuit that opens after 20 failures in a row. */
  const failure = (deliveryId: string, holderId: string) => ({
    deliveryId,
    holderId,
    attempt: {
      startedAt: isoAt(2_000),
      address: null,
      statusCode: 500,
      latencyMs: 1,
      error: null,
      responseExcerpt: null,
    },
    result: { kind: "retry" as const, nextAttemptAt: isoAt(60_000) },
    circuit: { openAfterFailures: 20, openUntil: isoAt(3_600_000) },
    failureBudget: { failures: 1_000, windowMs: 86_400_000 },
    now: isoAt(3_000),
  });

  it("claimers in two processes never receive the same delivery", async () => {
    const subscription = newSubscription();
    await writerA.createSubscription(subscription);
    for (let run = 0; run < 4; run++) await writerA.createRun({ run: newRun(), events: numberedEvents(15) });
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 === 0 ? writerA : writerB).claimDueDeliveries(`holder-${index}`, T0 + 1_000, 30_000, 6),
      ),
    );
    const handedOut = claims.flat().map((delivery) => delivery.deliveryId);
    expect(new Set(handedOut).size).toBe(handedOut.length);
    const rest = await reader.claimDueDeliveries("holder-late", T0 + 1_000, 30_000, 1_000);
    expect(handedOut.length + rest.length).toBe(60);
    expect(new Set([...handedOut, ...rest.map((delivery) => delivery.deliveryId)]).size).toBe(60);
  });

  it("failures recorded concurrently by two processes all count against the subscription", async () => {
    const subscription = newSubscription();
    await writerA.createSubscription(subscription);
    await writerA.createRun({ run: newRun(), events: numberedEvents(20) });
    const [ofA, ofB] = await Promise.all([
      writerA.claimDueDeliveries("holder-a", T0 + 1_000, 30_000, 10),
      writerB.claimDueDeliveries("holder-b", T0 + 1_000, 30_000, 10),
    ]);
    expect((ofA?.length ?? 0) + (ofB?.length ?? 0)).toBe(20);
    const outcomes = await Promise.all([
      ...(ofA ?? []).map((delivery) => writerA.recordAttempt(failure(delivery.deliveryId, "holder-a"))),
      ...(ofB ?? []).map((delivery) => writerB.recordAttempt(failure(delivery.deliveryId, "holder-b"))),
    ]);
    expect(outcomes.every(Boolean)).toBe(true);
    expect(await reader.getSubscription("tenant-a", subscription.webhookId)).toMatchObject({
      consecutiveFailures: 20,
      windowFailures: 20,
      circuitOpenUntil: isoAt(3_600_000),
    });
  });

  /** Waits until `count` sessions wait for a row lock. */
  const lockWaiters = (count: number) =>
    eventually(
      async () =>
        (
          await pgServer.sql<{ waiting: number }>(
            url,
            "SELECT count(*)::integer AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
          )
        )[0]?.waiting === count,
      `${count} sessions waiting for a lock`,
    );

  it("outcomes for one lease queued behind a lock on the delivery: exactly one applies, each is logged", async () => {
    const subscription = newSubscription();
    await writerA.createSubscription(subscription);
    await writerA.createRun({ run: newRun(), events: numberedEvents(1) });
    const [delivery] = await writerA.claimDueDeliveries("holder-a", T0 + 1_000, 30_000, 1);
    const deliveryId = delivery?.deliveryId ?? "";
    const locker = await session();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM webhook_deliveries WHERE delivery_id = $1 FOR UPDATE", [deliveryId]);
      // Every outcome takes its snapshot while the lease is still held, then waits for the row.
      const outcomes = Promise.all(
        [writerA, writerB, writerA, writerB].map((writer) => writer.recordAttempt(failure(deliveryId, "holder-a"))),
      );
      await lockWaiters(4);
      await locker.query("COMMIT");
      expect((await outcomes).filter(Boolean)).toHaveLength(1);
    } finally {
      await locker.end();
    }
    const found = await reader.getDelivery("tenant-a", subscription.webhookId, deliveryId);
    expect(found?.attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4]);
    expect(found?.delivery).toMatchObject({ attempts: 1, totalAttempts: 4, status: "failed", lease: null });
    expect(await reader.getSubscription("tenant-a", subscription.webhookId)).toMatchObject({ consecutiveFailures: 1 });
  });

  it("failures queued behind a lock on their subscription all count when it is released", async () => {
    const subscription = newSubscription();
    await writerA.createSubscription(subscription);
    await writerA.createRun({ run: newRun(), events: numberedEvents(6) });
    const claimed = await writerA.claimDueDeliveries("holder-a", T0 + 1_000, 30_000, 6);
    const locker = await session();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM webhooks WHERE webhook_id = $1 FOR UPDATE", [subscription.webhookId]);
      // Each read the counters at 0 in its snapshot; each must add to what the one before it wrote.
      const outcomes = Promise.all(
        claimed.map((delivery, index) =>
          (index % 2 === 0 ? writerA : writerB).recordAttempt(failure(delivery.deliveryId, "holder-a")),
        ),
      );
      await lockWaiters(6);
      await locker.query("COMMIT");
      expect((await outcomes).every(Boolean)).toBe(true);
    } finally {
      await locker.end();
    }
    expect(await reader.getSubscription("tenant-a", subscription.webhookId)).toMatchObject({
      consecutiveFailures: 6,
      windowFailures: 6,
    });
  });

  it("a step records the deliveries of a subscription another process just created, and none once it is gone", async () => {
    // writerA's steps and creations learn that the tenant has no subscription, and then that it has one.
    const run = newRun({ status: "running" });
    await writerA.createRun({ run, events: numberedEvents(1) });
    await writerA.commitStep({ runId: run.runId, events: numberedEvents(1) });
    const subscription = newSubscription();
    await writerB.createSubscription(subscription);
    await writerA.commitStep({ runId: run.runId, events: numberedEvents(1) });
    const fresh = newRun();
    await writerA.createRun({ run: fresh, events: numberedEvents(2) });
    const recorded = await reader.listDeliveries("tenant-a", subscription.webhookId, { limit: 10 });
    expect(recorded.map((delivery) => `${delivery.runId}#${delivery.sequence}`).sort()).toEqual(
      [`${run.runId}#2`, `${fresh.runId}#0`, `${fresh.runId}#1`].sort(),
    );

    // Gone in another process: writerA still expects it, finds none, and writes its steps all the same.
    expect(await writerB.deleteSubscription("tenant-a", subscription.webhookId)).toBe(true);
    const again = newSubscription({ tenantId: "tenant-b" });
    await writerB.createSubscription(again);
    await writerA.commitStep({ runId: run.runId, events: numberedEvents(2) });
    await writerA.createRun({ run: newRun(), events: numberedEvents(1) });
    expect(await reader.readEvents(run.runId, { limit: 10 })).toHaveLength(5);
    expect(await reader.deliveryStats(T0)).toMatchObject({ waiting: 0 });
    // And learns of a new one again.
    const back = newSubscription();
    await writerB.createSubscription(back);
    await writerA.commitStep({ runId: run.runId, events: numberedEvents(1) });
    expect(
      (await reader.listDeliveries("tenant-a", back.webhookId, { limit: 10 })).map((delivery) => delivery.sequence),
    ).toEqual([5]);
  });

  it("another process hears of recorded, released, replayed and resumed deliveries, and of appended events", async () => {
    const subscription = newSubscription();
    await writerA.createSubscription(subscription);
    let deliveries = 0;
    let appends = 0;
    const stopDeliveries = reader.watchDeliveries(() => {
      deliveries += 1;
    });
    const stopFeed = reader.watchFeed(() => {
      appends += 1;
    });
    const heard = async (what: string, act: () => Promise<unknown>, counter: () => number) => {
      const before = counter();
      await act();
      await eventually(() => counter() > before, what);
    };
    try {
      const run = newRun({ status: "running" });
      await heard(
        "a recording run creation",
        () => writerA.createRun({ run, events: numberedEvents(1) }),
        () => deliveries,
      );
      await heard(
        "a recording step",
        () => writerB.commitStep({ runId: run.runId, events: numberedEvents(1) }),
        () => deliveries,
      );
      await heard(
        "an append",
        () => writerB.commitStep({ runId: run.runId, events: numberedEvents(1) }),
        () => appends,
      );
      const [claimed] = await writerA.claimDueDeliveries("holder-a", T0 + 1_000, 30_000, 1);
      await heard(
        "a release",
        () => writerA.releaseDeliveries("holder-a"),
        () => deliveries,
      );
      await heard(
        "a replay",
        () => writerB.replayDelivery("tenant-a", subscription.webhookId, claimed?.deliveryId ?? "", isoAt(10)),
        () => deliveries,
      );
      await writerA.setSubscriptionStatus("tenant-a", subscription.webhookId, "paused", isoAt(20));
      await heard(
        "a resume",
        () => writerA.setSubscriptionStatus("tenant-a", subscription.webhookId, "active", isoAt(30)),
        () => deliveries,
      );
    } finally {
      stopDeliveries();
      stopFeed();
    }
  });
});
