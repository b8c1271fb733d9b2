#!/usr/bin/env node
/**
 * `./pnpmw soak`: kills the durable example hosts with SIGKILL under continuous mixed load,
 * checks after every cycle that nothing acknowledged was lost, ran twice or was created
 * twice, and writes the figures to docs/reliability.md. Progress goes to stderr; stdout
 * carries a short verdict, or the whole report as JSON with --json. Exits 1 on a violation.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseOptions, USAGE, UsageError } from "./options.js";
import { killAllChildren } from "./processes.js";
import { createProgress } from "./progress.js";
import { spliceFigures } from "./report.js";
import { runSoak } from "./run.js";

/** The repository root: this file runs from soak/dist/. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MARKDOWN_PATH = join(repoRoot, "docs", "reliability.md");

const argv = process.argv.slice(2);
process.once("exit", killAllChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`soak: ${signal} received, stopping\n`);
    process.exit(130);
  });
}

try {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const progress = createProgress(process.stderr, process.env, options.quiet);
    const report = await runSoak(options, progress, ["./pnpmw soak", ...argv].join(" "));
    if (options.write) {
      const existing = await readFile(MARKDOWN_PATH, "utf8").catch(() => undefined);
      await writeFile(MARKDOWN_PATH, spliceFigures(existing, report));
      progress.step("wrote docs/reliability.md");
    }
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const kind of report.kinds)
        process.stdout.write(
          `${kind.kind.padEnd(8)} ${kind.cycles} cycles, ${kind.kills} kills, ${kind.runsAcknowledged} runs, ` +
            `${kind.eventsChecked} events checked, ${kind.violations.length} violations\n`,
        );
      process.stdout.write(
        `soak: ${report.passed ? "every invariant held" : "INVARIANTS BROKEN"} (seed ${report.seed})\n`,
      );
    }
    if (!report.passed) process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`soak: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`soak: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
