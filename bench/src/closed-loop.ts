import { performance } from "node:perf_hooks";
import { roundTo, summarize, type Summary } from "./stats.js";

/**
 * A closed-loop load generator: `clients` workers, each creating one run and following it
 * to its end before creating the next, until `runs` runs have been started. Throughput is
 * completed runs over the wall time of the measured phase; a warm-up phase with the same
 * concurrency runs first and is not counted (JIT, connection pools, caches).
 */

export interface RunOutcome {
  /** How long creating the run took (the POST, or `engine.createRun`). */
  createMs: number;
  /** Whether the run ended `completed`. */
  completed: boolean;
}

export interface ClosedLoopOptions {
  runs: number;
  clients: number;
  warmup: number;
  /** Called now and then with the number of measured runs finished. */
  onProgress?: (done: number) => void;
  /** Called once the warm-up is over, just before the measured phase starts. */
  onMeasuredPhaseStart?: () => void;
}

export interface ClosedLoopResult {
  runs: number;
  clients: number;
  warmupRuns: number;
  seconds: number;
  runsPerSecond: number;
  createMs: Summary;
  createToTerminalMs: Summary;
  /** Runs that ended in another state than `completed`. */
  notCompleted: number;
  /** Runs whose creation or following threw (each counted, the first one quoted). */
  errors: number;
  firstError?: string;
}

async function phase(
  runs: number,
  clients: number,
  oneRun: (client: number, index: number) => Promise<RunOutcome>,
  record: boolean,
  onProgress?: (done: number) => void,
) {
  const create: number[] = [];
  const endToEnd: number[] = [];
  let next = 0;
  let done = 0;
  let notCompleted = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(clients, runs) }, async (_, client) => {
      while (next < runs) {
        const index = next++;
        const began = performance.now();
        try {
          const outcome = await oneRun(client, index);
          if (record) {
            create.push(outcome.createMs);
            endToEnd.push(performance.now() - began);
          }
          if (!outcome.completed) notCompleted += 1;
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        done += 1;
        onProgress?.(done);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, create, endToEnd, notCompleted, errors, firstError };
}

export async function closedLoop(
  options: ClosedLoopOptions,
  oneRun: (client: number, index: number) => Promise<RunOutcome>,
): Promise<ClosedLoopResult> {
  if (options.warmup > 0) await phase(options.warmup, options.clients, oneRun, false);
  options.onMeasuredPhaseStart?.();
  const measured = await phase(options.runs, options.clients, oneRun, true, options.onProgress);
  const completedRuns = options.runs - measured.errors - measured.notCompleted;
  return {
    runs: options.runs,
    clients: options.clients,
    warmupRuns: options.warmup,
    seconds: roundTo(measured.seconds, 2),
    runsPerSecond: roundTo(completedRuns / measured.seconds, 1),
    createMs: summarize(measured.create),
    createToTerminalMs: summarize(measured.endToEnd),
    notCompleted: measured.notCompleted,
    errors: measured.errors,
    ...(measured.firstError === undefined ? {} : { firstError: measured.firstError }),
  };
}
