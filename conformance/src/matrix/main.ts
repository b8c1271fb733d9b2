import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ConformanceResult } from "@openwop/types";
import { paletteFor } from "../report/colour.js";
import { progressLine } from "../report/text-report.js";
import { SCENARIOS } from "../scenarios/registry.js";
import { discoverManifests } from "./manifests.js";
import { resultPath, type MatrixHostEntry, type MatrixIndex } from "./matrix-index.js";
import { derivedFiles, driftReport, readCommittedInputs, stableJson } from "./outputs.js";
import { findRepoRoot } from "./repo-root.js";
import { runHostForMatrix } from "./run-host.js";

const USAGE = `Usage: pnpm matrix [--check] [--render-only] [--hosts a,b] [--timeout-scale n]

Starts every example host configuration, examples/hosts/*/openwop-host*.json (one row each), on
fresh storage, runs the conformance suite against each with --require-behavior, writes
conformance/results/<host>.json, and regenerates INTEROP-MATRIX.md,
conformance/results/index.json, conformance/results/production-report.json and
conformance/coverage.md.

  --render-only     regenerate from the committed result files; start no host
  --check           write nothing; exit 1 with a summary when a committed file differs
  --hosts a,b       run only these hosts; the others keep their committed results
  --timeout-scale n multiply every scenario time bound by n
`;

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        check: { type: "boolean" },
        "render-only": { type: "boolean" },
        hosts: { type: "string" },
        "timeout-scale": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`matrix: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const timeoutScale = Number(values["timeout-scale"] ?? "1");
  if (!Number.isFinite(timeoutScale) || timeoutScale <= 0) {
    process.stderr.write("matrix: --timeout-scale must be a positive number\n");
    return 2;
  }
  const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  const palette = paletteFor(process.stderr);
  const log = (line: string) => process.stderr.write(`${palette.dim("matrix:")} ${line}\n`);

  let index: MatrixIndex;
  let results: Map<string, ConformanceResult>;
  const freshResults = new Map<string, ConformanceResult>();
  if (values["render-only"] === true) {
    ({ index, results } = await readCommittedInputs(root));
  } else {
    const only = values.hosts?.split(",").map((name) => name.trim());
    const committed = await readCommittedInputs(root).catch(() => ({
      index: { indexVersion: 1, hosts: [] } as MatrixIndex,
      results: new Map<string, ConformanceResult>(),
    }));
    const entries: MatrixHostEntry[] = [];
    results = new Map();
    for (const loaded of await discoverManifests(root)) {
      const name = loaded.manifest.name;
      const previous = committed.index.hosts.find((entry) => entry.name === name);
      if (only !== undefined && !only.includes(name) && previous !== undefined) {
        entries.push(previous);
        const kept = committed.results.get(name);
        if (kept !== undefined) results.set(name, kept);
        continue;
      }
      log(`${name}: starting from ${loaded.path}`);
      const run = await runHostForMatrix(loaded, root, {
        timeoutScale,
        log,
        onResult: (result) => process.stderr.write(`  ${palette.dim(name)} ${progressLine(result, palette)}\n`),
      });
      entries.push(run.entry);
      if (run.result !== undefined) {
        results.set(name, run.result);
        freshResults.set(name, run.result);
        log(
          `${name}: ${run.result.summary.pass} pass, ${run.result.summary.fail} fail, ${run.result.summary.skip} skip`,
        );
      }
    }
    index = { indexVersion: 1, hosts: entries };
  }

  const files = derivedFiles(index, results, SCENARIOS);
  if (values.check === true) {
    const problems = await driftReport(root, files);
    for (const problem of problems) process.stderr.write(`${palette.red("drift:")} ${problem}\n`);
    if (problems.length > 0) {
      process.stderr.write(
        `matrix: ${problems.length} generated file(s) differ from the committed ones; run \`pnpm matrix\` and commit the result\n`,
      );
      return 1;
    }
    log(`no drift in ${[...files.keys()].join(", ")}`);
    return 0;
  }
  for (const [name, result] of freshResults) await writeJson(join(root, resultPath(name)), result);
  for (const [path, content] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    const before = await readFile(join(root, path), "utf8").catch(() => undefined);
    if (before !== content) await writeFile(join(root, path), content);
    log(`${before === content ? "unchanged" : "wrote"} ${path}`);
  }
  const notRun = index.hosts.filter((entry) => entry.status === "not-run");
  for (const entry of notRun) log(palette.yellow(`${entry.name} was not run (${entry.reason}); the matrix says so`));
  return 0;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, stableJson(value));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `matrix: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
