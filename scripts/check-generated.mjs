#!/usr/bin/env node
// Regenerates every committed generated file and fails when any differs from git.
import { spawnSync } from "node:child_process";

const GENERATED = ["packages/types/src/generated", "packages/schema/src/generated"];

const generate = spawnSync("pnpm", ["exec", "turbo", "run", "generate", "--force", "--output-logs=errors-only"], {
  stdio: "inherit",
});
if (generate.status !== 0) process.exit(generate.status ?? 1);

const status = spawnSync("git", ["status", "--porcelain", "--", ...GENERATED], { encoding: "utf8" });
if (status.stdout.trim().length > 0) {
  process.stderr.write(
    `generated files differ from their sources; run \`./pnpmw generate\` and commit:\n${status.stdout}`,
  );
  process.exit(1);
}
process.stderr.write("generated files are up to date\n");
