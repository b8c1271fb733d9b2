/**
 * A separate OS process that appends to one run through its own adapter, for the
 * multi-process sequence test. Protocol: argv[2] is a JSON {@link AppendWorkerTask};
 * the worker opens the adapter, prints "ready", waits for "go" on stdin (so every
 * process starts appending at the same moment), runs its appenders concurrently and
 * prints one JSON {@link AppendWorkerReport} line. Halfway, once every appender has
 * committed its first half of the steps, it prints "half" and waits for "continue": the
 * test releases the processes only when both got there, so both write in both halves of
 * the log however the machine schedules them, and their steps interleave by construction
 * rather than by luck.
 */
import { createInterface } from "node:readline";
import { openPostgresAdapter } from "../open-adapter.js";

export interface AppendWorkerTask {
  connectionString: string;
  runId: string;
  /** Concurrent appenders in this process. */
  appenders: number;
  /** Steps each appender commits, one after the other. */
  stepsPerAppender: number;
  /** Tag written into payloads, to tell the processes apart in the log. */
  tag: string;
}

export interface AppendWorkerReport {
  tag: string;
  /** Every sequence this process was told it got. */
  sequences: number[];
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? "{}") as AppendWorkerTask;
  const adapter = await openPostgresAdapter({ connectionString: task.connectionString, poolSize: task.appenders });
  const lines = createInterface({ input: process.stdin });
  const command = (word: string) =>
    new Promise<void>((resolve) => lines.on("line", (line) => line.trim() === word && resolve()));
  const go = command("go");
  const resume = command("continue");
  process.stdout.write("ready\n");
  await go;

  const half = Math.floor(task.stepsPerAppender / 2);
  let atHalf = 0;
  const halfway = async (): Promise<void> => {
    atHalf += 1;
    if (atHalf === task.appenders) process.stdout.write("half\n");
    await resume;
  };

  const sequences: number[] = [];
  await Promise.all(
    Array.from({ length: task.appenders }, async (_, appender) => {
      for (let step = 0; step < task.stepsPerAppender; step++) {
        if (step === half) await halfway();
        // Steps of one to three events, so contiguity inside a step is exercised too.
        const size = 1 + ((appender + step) % 3);
        const events = Array.from({ length: size }, (_, part) => ({
          type: "node.progress",
          payload: { tag: task.tag, appender, step, part },
          timestamp: new Date().toISOString(),
        }));
        const appended = await adapter.commitStep({ runId: task.runId, events });
        sequences.push(...appended.map((event) => event.sequence));
      }
    }),
  );
  lines.close();
  await adapter.close();
  const report: AppendWorkerReport = { tag: task.tag, sequences };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
