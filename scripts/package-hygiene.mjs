// Package hygiene (issue 22): checks every public workspace package the way a consumer
// would see it once published. Run through `pnpm hygiene`, which builds first, because
// publint and arethetypeswrong look at dist/ files.
//
// For each package whose package.json is not `"private": true` this checks:
//   1. metadata the registry page and tooling rely on (README, description, license,
//      repository, engines.node, sideEffects, files);
//   2. publint, on the tarball `pnpm pack` produces (so publishConfig is applied);
//   3. arethetypeswrong, on that same tarball, with the esm-only profile;
// and then knip once for the whole workspace (unused dependencies and files).
// Every problem is printed as `<package>: <problem>`; the exit code is 1 if there was any.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

// pnpm knows the workspace globs; asking it avoids re-implementing pnpm-workspace.yaml parsing.
const workspace = JSON.parse(execFileSync("pnpm", ["-r", "ls", "--depth", "-1", "--json"], { encoding: "utf8" }));
const packages = workspace.filter((entry) => !entry.private).map((entry) => entry.path);

const problems = [];

for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const report = (problem) => problems.push(`${pkg.name}: ${problem}`);

  // 1. Metadata. These never fail a build, so without a check they silently go missing.
  if (!existsSync(join(dir, "README.md"))) report("README.md is missing");
  if (!pkg.description) report("description is missing");
  if (!pkg.license) report("license is missing");
  const repo = pkg.repository;
  if (typeof repo !== "object" || repo.type !== "git" || !repo.url || !repo.directory) {
    report("repository must be an object with type git, url and directory");
  }
  if (!pkg.engines?.node) report("engines.node is missing");
  // Bundlers tree-shake only when told a package has no import side effects.
  if (pkg.sideEffects === undefined) report("sideEffects is missing");
  if (!Array.isArray(pkg.files) || pkg.files.length === 0) report("files is missing");
  // The in-repo source condition must not leak into what gets published.
  if (JSON.stringify(pkg.publishConfig?.exports ?? pkg.exports).includes("@openwop/source")) {
    report('published exports still carry the "@openwop/source" condition');
  }

  // Pack once with pnpm so both tools see exactly what would be published: pnpm swaps in
  // publishConfig.exports and rewrites workspace: ranges, which npm pack would not do.
  const packDir = mkdtempSync(join(tmpdir(), "openwop-hygiene-"));
  try {
    execFileSync("pnpm", ["pack", "--pack-destination", packDir], { cwd: dir, stdio: "ignore" });
    const tarball = join(
      packDir,
      readdirSync(packDir).find((name) => name.endsWith(".tgz")),
    );

    // 2. publint: suggestions are advisory, errors and warnings are real problems.
    const data = readFileSync(tarball);
    const { messages, pkg: packedPkg } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      level: "warning",
    });
    for (const message of messages) {
      report(`publint ${message.type}: ${formatMessage(message, packedPkg, { color: false })}`);
    }

    // 3. arethetypeswrong exits non-zero when it finds a problem; its table says which.
    try {
      execFileSync("pnpm", ["exec", "attw", tarball, "--profile", "esm-only", "--format", "ascii"], {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
    } catch (error) {
      report(`arethetypeswrong:\n${(error.stdout || error.message).trim()}`);
    }
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

// 4. knip, across the whole workspace (knip.jsonc): dependencies declared and never imported,
// imports of undeclared ones, and files nothing reaches. Each exception there says why.
try {
  execFileSync("pnpm", ["exec", "knip", "--no-progress", "--reporter", "compact"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
} catch (error) {
  problems.push(`knip:\n${(error.stdout || error.message).trim()}`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`\npackage hygiene: ${problems.length} problem(s) in ${packages.length} packages`);
  process.exit(1);
}
console.log(`package hygiene: ${packages.length} packages clean`);
