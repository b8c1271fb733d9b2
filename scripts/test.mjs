#!/usr/bin/env node
// `pnpm test`: build what spawned hosts need, run every workspace project in one vitest
// process, and end with the plain `N passed, N failed` line CI reads.
//
// A green run must mean every test ran: a `.only` left in a file fails (vitest's
// `--allowOnly=false`), and a test skipped by its own declaration (`it.skip`, `skipIf`,
// `describe.skip`, `ctx.skip()`, `todo`) fails unless `scripts/allowed-skips.json` lists it
// with the reason it may not run here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const allowListFile = join(root, "scripts", "allowed-skips.json");
const args = process.argv.slice(2);

const run = (command, commandArgs) =>
  spawnSync(command, commandArgs, { stdio: "inherit", env: process.env, cwd: root }).status ?? 1;

process.stderr.write("test: building packages (turbo, cached)…\n");
if (run("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"]) !== 0) {
  process.stdout.write("0 passed, 1 failed\n");
  process.exit(1);
}

const reportDir = mkdtempSync(join(tmpdir(), "openwop-test-"));
const reportFile = join(reportDir, "vitest.json");
const status = run("pnpm", [
  "exec",
  "vitest",
  "run",
  "--allowOnly=false",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${reportFile}`,
  ...args,
]);

/**
 * Whether the arguments select tests inside files (by name, tag or line). Vitest reports the
 * tests such a filter leaves out as skipped, exactly like declared skips, so a filtered run
 * cannot judge skips; a run filtered only by file or project can, since a file is either
 * collected whole or not at all.
 */
function filtersWithinFiles(cliArgs) {
  return cliArgs.some(
    (arg) =>
      arg === "-t" ||
      arg.startsWith("-t=") ||
      arg.startsWith("--testNamePattern") ||
      arg.startsWith("--tagsFilter") ||
      arg.startsWith("--tags-filter") ||
      /\.[cm]?[jt]sx?:\d+$/.test(arg),
  );
}

/** @returns {{ file: string, test?: string, suite?: string, reason: string }[]} */
function readAllowList() {
  const parsed = JSON.parse(readFileSync(allowListFile, "utf8"));
  const entries = parsed.skips;
  if (!Array.isArray(entries)) throw new Error("allowed-skips.json: `skips` must be an array");
  for (const entry of entries) {
    const named = typeof entry.test === "string" ? 1 : 0;
    const suited = typeof entry.suite === "string" ? 1 : 0;
    if (
      typeof entry.file !== "string" ||
      named + suited !== 1 ||
      typeof entry.reason !== "string" ||
      !entry.reason.trim()
    ) {
      throw new Error(
        `allowed-skips.json: every entry needs \`file\`, exactly one of \`test\` or \`suite\`, and a \`reason\`: ${JSON.stringify(entry)}`,
      );
    }
  }
  return entries;
}

const covers = (entry, file, fullName) =>
  entry.file === file &&
  (entry.test !== undefined
    ? entry.test === fullName
    : fullName === entry.suite || fullName.startsWith(`${entry.suite} `));

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
try {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  skipped = report.numPendingTests + report.numTodoTests;
  // A file that crashed before registering tests counts as a failure, not as nothing.
  failed += report.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;

  if (!filtersWithinFiles(args)) {
    const allowed = readAllowList();
    const files = report.testResults.map((file) => ({
      path: relative(root, file.name).split(sep).join("/"),
      status: file.status,
      tests: file.assertionResults,
    }));
    for (const file of files) {
      // A failed hook skips the tests after it; that file has already failed.
      if (file.status === "failed") continue;
      for (const test of file.tests) {
        if (test.status === "passed" || test.status === "failed") continue;
        const entry = allowed.find((candidate) => covers(candidate, file.path, test.fullName));
        if (entry) {
          process.stderr.write(`test: skipped (allowed: ${entry.reason}): ${file.path} > ${test.fullName}\n`);
        } else {
          problems.push(
            `${test.status} without an entry in scripts/allowed-skips.json: ${file.path} > ${test.fullName}`,
          );
        }
      }
    }
    // An entry must still name a test, so the list cannot outlive what it excuses.
    for (const entry of allowed) {
      const label = `${entry.file} > ${entry.test ?? entry.suite}`;
      if (!existsSync(join(root, entry.file))) {
        problems.push(`allowed-skips.json names a file that does not exist: ${label}`);
        continue;
      }
      const file = files.find((candidate) => candidate.path === entry.file);
      if (file && file.status !== "failed" && !file.tests.some((test) => covers(entry, file.path, test.fullName))) {
        problems.push(`allowed-skips.json names a test that does not exist: ${label}`);
      }
    }
  }
} catch (error) {
  process.stderr.write(`test: ${error instanceof Error ? error.message : String(error)}\n`);
  failed = Math.max(failed, 1);
}
rmSync(reportDir, { recursive: true, force: true });
for (const problem of problems) process.stderr.write(`test: ${problem}\n`);
failed += problems.length;
if (status !== 0 && failed === 0) failed = 1;
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed > 0 ? 1 : 0);
