import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConformanceResult } from "@openwop/types";
import type { Scenario } from "../runner/scenario.js";
import { SCENARIOS } from "../scenarios/registry.js";
import { COVERAGE_PATH, renderCoverage } from "./coverage.js";
import { type ExternalRow, readExternalRows } from "./external-results.js";
import { INDEX_PATH, RESULTS_DIR, type MatrixIndex } from "./matrix-index.js";
import { productionReport } from "./production-report.js";
import { MATRIX_PATH, renderMatrix } from "./render-matrix.js";
import { knownSuiteVersions } from "./suite-versions.js";

export const PRODUCTION_REPORT_PATH = `${RESULTS_DIR}/production-report.json`;

/** Stable JSON for committed files: two-space indent and a final newline. */
export const stableJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Every drift-checked file, by path relative to the repository root, derived from the inputs.
 * Self-reported rows reach only INTEROP-MATRIX.md's own section: the index and the production
 * report stay the record of what CI ran.
 */
export function derivedFiles(
  index: MatrixIndex,
  results: ReadonlyMap<string, ConformanceResult>,
  registry: readonly Scenario[],
  external: readonly ExternalRow[] = [],
): Map<string, string> {
  const report = productionReport(index, results, registry);
  return new Map([
    [INDEX_PATH, stableJson(index)],
    [PRODUCTION_REPORT_PATH, stableJson(report)],
    [MATRIX_PATH, renderMatrix(index, results, report, registry, external)],
    [COVERAGE_PATH, renderCoverage(registry)],
  ]);
}

/**
 * Reads the committed index, the result file of every host it says ran, and the self-reported
 * rows (each admitted again: a committed file that no longer validates fails the read).
 */
export async function readCommittedInputs(
  root: string,
  registry: readonly Scenario[] = SCENARIOS,
): Promise<{ index: MatrixIndex; results: Map<string, ConformanceResult>; external: ExternalRow[] }> {
  const index = JSON.parse(await readFile(join(root, INDEX_PATH), "utf8")) as MatrixIndex;
  const results = new Map<string, ConformanceResult>();
  for (const entry of index.hosts.filter((host) => host.status === "ran")) {
    results.set(
      entry.name,
      JSON.parse(await readFile(join(root, RESULTS_DIR, `${entry.name}.json`), "utf8")) as ConformanceResult,
    );
  }
  const external = await readExternalRows(root, await knownSuiteVersions(root), registry);
  return { index, results, external };
}

/**
 * Compares generated content with the files on disk and describes each difference with
 * the first lines that differ, so a CI log says what drifted without a diff tool.
 */
export async function driftReport(root: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const [path, expected] of files) {
    const actual = await readFile(join(root, path), "utf8").catch(() => undefined);
    if (actual === undefined) {
      problems.push(`${path}: missing (generated content has ${expected.split("\n").length} lines)`);
      continue;
    }
    if (actual === expected) continue;
    const want = expected.split("\n");
    const have = actual.split("\n");
    const differing: string[] = [];
    for (let line = 0; line < Math.max(want.length, have.length) && differing.length < 5; line += 1) {
      if (want[line] !== have[line]) {
        differing.push(
          `  line ${line + 1}:\n    committed: ${(have[line] ?? "<none>").slice(0, 160)}\n    generated: ${(want[line] ?? "<none>").slice(0, 160)}`,
        );
      }
    }
    problems.push(
      `${path}: differs (${have.length} committed lines, ${want.length} generated)\n${differing.join("\n")}`,
    );
  }
  return problems;
}
