import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRun } from "@openwop/storage/testing";
import { openPostgresAdapter } from "./open-adapter.js";
import type { PostgresStorageAdapter } from "./postgres-adapter.js";
import type { AppendWorkerReport, AppendWorkerTask } from "./testing/append-worker.js";
import { spawnTypeScriptWorker } from "./testing/spawn-worker.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

let pg: TestPostgres;
let url: string;
let adapter: PostgresStorageAdapter;

beforeAll(async () => {
  pg = await startTestPostgres();
  url = await pg.freshDatabase();
  adapter = await openPostgresAdapter({ connectionString: url });
});

afterAll(async () => {
  await adapter?.close();
  await pg?.stop();
});

describe("appenders in separate OS processes", () => {
  it("20 concurrent appenders in two processes get sequences 0..N-1 with no gap or duplicate", {
    timeout: 120_000,
  }, async () => {
    const run = newRun({ status: "running" });
    await adapter.createRun({ run });
    const task = (tag: string): AppendWorkerTask => ({
      connectionString: url,
      runId: run.runId,
      appenders: 10,
      stepsPerAppender: 15,
      tag,
    });
    const workers = ["process-a", "process-b"].map((tag) =>
      spawnTypeScriptWorker("./append-worker.ts", [JSON.stringify(task(tag))]),
    );
    await Promise.all(workers.map((worker) => worker.waitForLine("ready")));
    for (const worker of workers) worker.child.stdin.write("go\n");
    // Both processes finish their first half before either starts the second.
    await Promise.all(workers.map((worker) => worker.waitForLine("half")));
    for (const worker of workers) worker.child.stdin.write("continue\n");
    const reports = await Promise.all(
      workers.map(async (worker) => JSON.parse((await worker.finished).at(-1) ?? "null") as AppendWorkerReport),
    );

    const claimed = reports.flatMap((report) => report.sequences).sort((a, b) => a - b);
    const total = claimed.length;
    // 2 processes × 10 appenders × 15 steps of 1–3 events each.
    expect(total).toBeGreaterThanOrEqual(300);
    expect(claimed).toEqual(Array.from({ length: total }, (_, index) => index));
    for (const report of reports) expect(report.sequences.length).toBeGreaterThan(0);

    const log = await adapter.readEvents(run.runId, { limit: total + 10 });
    expect(log.map((event) => event.sequence)).toEqual(claimed);
    expect((await adapter.getRun(run.runId))?.lastSequence).toBe(total - 1);
    // Both processes wrote in both halves of the log (the halfway barrier), so their steps
    // interleave rather than forming one block per process, whatever the scheduling was.
    const half = Math.floor(task("").stepsPerAppender / 2);
    const tagsIn = (second: boolean) =>
      new Set(
        log
          .map((event) => event.payload as { tag: string; step: number })
          .filter((payload) => payload.step >= half === second)
          .map((payload) => payload.tag),
      );
    expect([...tagsIn(false)].sort()).toEqual(["process-a", "process-b"]);
    expect([...tagsIn(true)].sort()).toEqual(["process-a", "process-b"]);
    const firstOfSecondHalf = log.findIndex((event) => (event.payload as { step: number }).step >= half);
    const lastOfFirstHalf = log.findLastIndex((event) => (event.payload as { step: number }).step < half);
    expect(lastOfFirstHalf).toBeLessThan(firstOfSecondHalf);
    const tags = log.map((event) => (event.payload as { tag: string }).tag);
    const switches = tags.filter((tag, index) => index > 0 && tag !== tags[index - 1]).length;
    expect(switches).toBeGreaterThanOrEqual(2);
    // Each step's events are contiguous: a step's parts appear back to back, in order.
    for (let index = 0; index < log.length; ) {
      const first = log[index]?.payload as { tag: string; appender: number; step: number; part: number };
      const size = 1 + ((first.appender + first.step) % 3);
      for (let part = 0; part < size; part++) {
        expect(log[index + part]?.payload).toEqual({ ...first, part });
      }
      index += size;
    }
  });
});
