import { PROFILES } from "../profiles/catalog.js";
import { OUTCOMES } from "../result/document.js";
import type { Scenario } from "../runner/scenario.js";
import { SUITE_VERSION } from "../suite-version.js";
import { EXTERNAL_DIR, externalResultPath, type ExternalRow } from "./external-results.js";
import { cellFor } from "./cells.js";
import { codeBlock, inlineCode, table } from "./markdown.js";
import { productionHostReport } from "./production-report.js";

/** The calendar day a run started, which is all the matrix needs of its time. */
const dayOf = (startedAt: string) => startedAt.slice(0, 10);

/**
 * The *self-reported* section of INTEROP-MATRIX.md: hosts this repository's CI does not run,
 * whose teams ran the suite themselves and submitted the result. Kept apart from the CI rows,
 * with the suite version, date and command each claim rests on, and with every verdict
 * recomputed from the recorded outcomes (external-results.ts).
 */
export function renderExternalSection(rows: readonly ExternalRow[], registry: readonly Scenario[]): string[] {
  if (rows.length === 0) return [];
  const lines = [
    "## Self-reported results",
    "",
    `*Self-reported*: each row below was run by the host's own team, not by this repository's CI, and brought in with \`pnpm matrix --external <result.json>\` (kept in \`${EXTERNAL_DIR}/\`). Every verdict is recomputed here from the recorded scenario outcomes by the claim rule above, over this suite's scenario sets; the claims written in the submitted document are ignored. Whether each predicate held is taken as recorded, since a result carries only the digest of the discovery document it judged. \`pnpm matrix --check\` recomputes these rows too.`,
    "",
    table(
      [
        "Host",
        "Implementation",
        "Suite",
        "Date",
        ...PROFILES.map((profile) => `\`${profile.id}\``),
        OUTCOMES.join(" / "),
      ],
      rows.map((row) => [
        row.slug,
        `${row.result.host.name}${row.result.host.version ? ` ${row.result.host.version}` : ""}`,
        row.result.suiteVersion,
        dayOf(row.result.startedAt),
        ...PROFILES.map((profile) => cellFor(row.verdicts.find((verdict) => verdict.profile === profile.id))),
        OUTCOMES.map((outcome) => String(row.summary[outcome])).join(" / "),
      ]),
    ),
    "",
  ];
  for (const row of rows) {
    const production = productionHostReport(
      { name: row.slug, status: "ran" },
      { ...row.result, profiles: [...row.verdicts] },
      registry,
    );
    lines.push(
      `### ${row.slug} (self-reported)`,
      "",
      `File: \`${externalResultPath(row.slug)}\`. Base URL: ${inlineCode(row.result.host.baseUrl)}. Run on ${dayOf(row.result.startedAt)} with suite ${row.result.suiteVersion}${row.olderSuite ? ` — older than the current ${SUITE_VERSION}: scenarios added since are missing and deny their profiles` : ""}. Command:`,
      "",
      ...codeBlock(row.result.command),
      "",
      `Production requirements: ${production.requirements.map((requirement) => `${requirement.id} ${requirement.verdict}`).join(", ")}.`,
      "",
    );
    const denied = row.verdicts.filter((verdict) => !verdict.claimed);
    if (denied.length === 0) lines.push("Every profile is claimed.");
    for (const verdict of denied) lines.push(`- \`${verdict.profile}\`: ${verdict.reason}`);
    lines.push("");
  }
  return lines;
}
