import { parseArgs } from "node:util";
import { SCENARIOS } from "@openwop/conformance";
import { findRepoRoot } from "../repo-root.js";
import { type CitingScenario, specImpact } from "../spec/impact.js";
import { renderImpact } from "../spec/render-impact.js";
import { gitTree, workingTree } from "../trees.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

/**
 * `spec-impact`: compares the working tree with `--base` and prints the report. The
 * scenarios are the registry this CLI was built with, which is the working tree's.
 */
export function specImpactCommand(
  argv: readonly string[],
  io: CliIo,
  scenarios: readonly CitingScenario[] = SCENARIOS,
): number {
  const { values } = parseOrThrow(argv);
  const root = findRepoRoot(values.root ?? io.cwd);
  const report = specImpact(gitTree(root, values.base ?? "HEAD"), workingTree(root), scenarios);
  io.stdout(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderImpact(report));
  if (report.errors.length > 0) {
    io.stderr(`spec-impact: ${report.errors.length} cited section(s) removed or renumbered (listed under Errors)\n`);
    return EXIT.problems;
  }
  return EXIT.ok;
}

function parseOrThrow(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: { base: { type: "string" }, json: { type: "boolean" }, root: { type: "string" } },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
