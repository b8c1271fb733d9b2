import fc from "fast-check";

/**
 * How big a fuzz run is and how to replay one, from the environment:
 * - `FUZZ_RUNS`: generated cases per host (default 3 500; the requests sent are a little more,
 *   since raw cases also probe the host afterwards);
 * - `FUZZ_SEED` and `FUZZ_PATH`: replay the run fast-check reported (`-t` picks the property);
 * - `FUZZ_SHRINK=0`: report the first failure as found, without shrinking it;
 * - `FUZZ_SURVEY=1`: run the whole budget and list every kind of failure found.
 */
export interface FuzzConfig {
  runsPerHost: number;
  seed: number | undefined;
  path: string | undefined;
  shrink: boolean;
  /** Run everything and list every kind of failure instead of stopping at the first. */
  survey: boolean;
  /** How long one exchange may take before it counts as the host not answering. */
  timeoutMs: number;
}

function integerFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, not ${JSON.stringify(raw)}`);
  return value;
}

export function fuzzConfig(): FuzzConfig {
  return {
    runsPerHost: Math.max(1, integerFromEnv("FUZZ_RUNS") ?? 3_500),
    seed: integerFromEnv("FUZZ_SEED"),
    path: process.env["FUZZ_PATH"] || undefined,
    shrink: process.env["FUZZ_SHRINK"] !== "0",
    survey: process.env["FUZZ_SURVEY"] === "1",
    timeoutMs: integerFromEnv("FUZZ_TIMEOUT_MS") ?? 10_000,
  };
}

/** At most this many shrink steps: each one is a request to a live host. */
const MAX_SHRINKS = 150;

/**
 * Checks a property and, when it fails, throws fast-check's report (seed, path, the shrunk
 * counterexample, the error) followed by the exact command that replays it.
 */
export async function checkProperty<T>(
  name: string,
  testFile: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  runs: number,
  config: FuzzConfig,
): Promise<void> {
  const replayOf = (seed: number, path: string): string =>
    `FUZZ_SEED=${seed} FUZZ_PATH=${path} ./pnpmw exec vitest run --project @openwop/fuzz ${testFile} -t "${name}"`;
  if (config.survey) return survey(name, arbitrary, predicate, runs, config, replayOf);
  const shrinking = config.shrink ? fc.limitShrink(arbitrary, MAX_SHRINKS) : fc.noShrink(arbitrary);
  const details = await fc.check(fc.asyncProperty(shrinking, predicate), {
    numRuns: runs,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.path === undefined ? {} : { path: config.path }),
  });
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? "property failed";
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${report}\n\nGot: ${error}\n\nReplay with:\n  ${replayOf(details.seed, details.counterexamplePath ?? "")}`,
  );
}

/**
 * Survey mode (`FUZZ_SURVEY=1`): run the whole budget without stopping or shrinking, group the
 * failures by message shape, and report one example of each with the path that replays it
 * (without shrinking, run `i` is path `i`).
 */
async function survey<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  runs: number,
  config: FuzzConfig,
  replayOf: (seed: number, path: string) => string,
): Promise<void> {
  const seed = config.seed ?? (Math.random() * 2 ** 31) | 0;
  const groups = new Map<string, { count: number; example: string; path: string }>();
  let index = 0;
  await fc.assert(
    fc.asyncProperty(fc.noShrink(arbitrary), async (value) => {
      const path = String(index++);
      try {
        await predicate(value);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Group by the message with ids, numbers and quoted bodies blurred.
        const shape = message
          .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
          .replace(/=\S+/g, "=…")
          .replace(/%[0-9a-f]{2}/gi, "%")
          .replace(/[0-9]+/g, "N")
          .slice(0, 120);
        const group = groups.get(shape);
        if (group) group.count++;
        else groups.set(shape, { count: 1, example: `${fc.stringify(value)}\n      → ${message.slice(0, 600)}`, path });
      }
    }),
    { numRuns: runs, seed, ...(config.path === undefined ? {} : { path: config.path }) },
  );
  if (groups.size === 0) return;
  const lines = [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .map((group) => `  ×${group.count}: ${group.example}\n      replay: ${replayOf(seed, group.path)}`);
  throw new Error(`${name}: ${groups.size} kinds of failure in ${runs} runs (seed ${seed})\n${lines.join("\n")}`);
}

/** Splits a per-host budget across properties by weight, every property getting at least one run. */
export function budget<K extends string>(total: number, weights: Record<K, number>): Record<K, number> {
  const sum = Object.values<number>(weights).reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    Object.entries<number>(weights).map(([key, weight]) => [key, Math.max(1, Math.round((total * weight) / sum))]),
  ) as Record<K, number>;
}
