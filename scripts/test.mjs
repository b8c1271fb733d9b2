#!/usr/bin/env node
// `pnpm test`: build what spawned hosts need, run every workspace project in one vitest
// process, and end with the plain `N passed, N failed` line CI reads.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = (command, args) => spawnSync(command, args, { stdio: "inherit", env: process.env }).status ?? 1;

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
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${reportFile}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  skipped = report.numPendingTests + report.numTodoTests;
  // A file that crashed before registering tests counts as a failure, not as nothing.
  failed += report.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(reportDir, { recursive: true, force: true });
if (status !== 0 && failed === 0) failed = 1;
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed > 0 ? 1 : 0);
