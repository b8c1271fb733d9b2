import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot } from "../repo-root.js";
import { headerProblems, processVocabulary } from "../rfcs/header-checks.js";
import { renderRfcIndex } from "../rfcs/render-index.js";
import { INDEX_FILE, readRfcs } from "../rfcs/rfc-document.js";
import { workingTree } from "../trees.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

export function rfcIndexCommand(argv: readonly string[], io: CliIo): number {
  let values: { check?: boolean; root?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { check: { type: "boolean" }, root: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const root = findRepoRoot(values.root ?? io.cwd);
  const tree = workingTree(root);
  const rfcs = readRfcs(tree);
  const vocabulary = processVocabulary(tree);
  const problems = headerProblems(rfcs, tree, vocabulary);
  if (problems.length > 0) {
    io.stderr(`RFC headers: ${problems.length} problem(s)\n${problems.map((problem) => `  ${problem}\n`).join("")}`);
    return EXIT.problems;
  }
  const expected = renderRfcIndex(rfcs, vocabulary);
  if (values.check === true) {
    if (tree.read(INDEX_FILE) === expected) {
      io.stdout(`${INDEX_FILE} matches the headers of ${rfcs.length} RFCs\n`);
      return EXIT.ok;
    }
    io.stderr(`${INDEX_FILE} differs from what the RFC headers give: run pnpm rfcs (never edit it by hand)\n`);
    return EXIT.problems;
  }
  writeFileSync(join(root, INDEX_FILE), expected);
  io.stdout(`wrote ${INDEX_FILE} (${rfcs.length} RFCs)\n`);
  return EXIT.ok;
}
