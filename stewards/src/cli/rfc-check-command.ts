import { parseArgs } from "node:util";
import { PROFILE_IDS, SCENARIOS } from "@openwop/conformance";
import { findRepoRoot } from "../repo-root.js";
import type { Registry } from "../rfcs/check-criteria.js";
import { acceptanceFailures, rfcAcceptance } from "../rfcs/rfc-acceptance.js";
import { workingTree } from "../trees.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

/** The registry this CLI was built with: the working tree's scenarios and profiles. */
export const BUILT_REGISTRY: Registry = { scenarios: SCENARIOS, profiles: PROFILE_IDS };

export function rfcCheckCommand(argv: readonly string[], io: CliIo, registry: Registry = BUILT_REGISTRY): number {
  let values: { json?: boolean; root?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { json: { type: "boolean" }, root: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const report = rfcAcceptance(workingTree(findRepoRoot(values.root ?? io.cwd)), registry);
  const failures = acceptanceFailures(report);
  if (values.json === true) io.stdout(`${JSON.stringify({ rfcs: report, failures }, null, 2)}\n`);
  else {
    const lines: string[] = [];
    for (const rfc of report) {
      const heading = `RFC ${rfc.number ?? "?"} (${rfc.status ?? "no status"})`;
      if (rfc.results === undefined) {
        lines.push(`${heading}: no acceptance criteria as data`);
        continue;
      }
      const met = rfc.results.filter((result) => result.met).length;
      lines.push(`${heading}: ${met}/${rfc.results.length} met${rfc.enforced ? "" : " (not Accepted: not enforced)"}`);
      for (const result of rfc.results)
        lines.push(`  ${result.met ? "ok  " : "FAIL"} ${result.description}${result.met ? "" : ` — ${result.detail}`}`);
      for (const problem of rfc.problems) lines.push(`  FAIL ${problem}`);
    }
    io.stdout(`${lines.join("\n")}\n`);
  }
  if (failures.length > 0) {
    io.stderr(`rfc-check: ${failures.length} failure(s)\n${failures.map((failure) => `  ${failure}\n`).join("")}`);
    return EXIT.problems;
  }
  return EXIT.ok;
}
