import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { describeMachine } from "./machine.js";
import type { SoakOptions } from "./options.js";
import type { Progress } from "./progress.js";
import { Random } from "./random.js";
import type { SoakReport } from "./report.js";
import { DEFAULT_TIMING, soakKind, type KindReport, type Timing } from "./soak.js";
import { writeWorkflowsDir } from "./workflows.js";

const TITLES = { sqlite: "SQLite host", postgres: "Postgres hosts (two processes)" };

/** The whole soak: every chosen host kind in turn, each on fresh storage, one report. */
export async function runSoak(
  options: Pick<SoakOptions, "hosts" | "cycles" | "seed">,
  progress: Progress,
  command: string,
  timing: Timing = DEFAULT_TIMING,
): Promise<SoakReport> {
  const started = Date.now();
  const machine = describeMachine();
  const workDir = await mkdtemp(join(tmpdir(), "openwop-soak-"));
  const random = new Random(options.seed);
  let postgres: Promise<PostgresServer> | undefined;
  const kinds: KindReport[] = [];
  progress.step(`seed ${options.seed}; work directory ${workDir}`);
  try {
    const workflowsDir = await writeWorkflowsDir(join(workDir, "workflows"));
    for (const kind of options.hosts) {
      progress.section(`${TITLES[kind]}: ${options.cycles[kind]} cycles`);
      kinds.push(
        await soakKind(kind, options.cycles[kind], {
          apiKey: `hk_test_soak_${randomBytes(12).toString("hex")}`,
          workDir,
          workflowsDir,
          postgres: () => {
            postgres ??= (async () => {
              progress.step("starting a throwaway Postgres server (initdb + pg_ctl)");
              return startPostgres();
            })();
            return postgres;
          },
          progress,
          random,
          timing,
        }),
      );
    }
  } finally {
    const server = await postgres?.catch(() => undefined);
    await server?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    command,
    seed: options.seed,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    kinds,
    passed: kinds.every((k) => k.violations.length === 0 && k.cycles === options.cycles[k.kind]),
  };
}
