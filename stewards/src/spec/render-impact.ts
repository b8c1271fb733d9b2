import type { ImpactReport, SectionImpact } from "./impact.js";

function describeChange(section: SectionImpact): string {
  const where = section.number === "" ? `${section.file} (preamble)` : `${section.file} §${section.number}`;
  const title = section.newTitle === undefined ? `"${section.title}"` : `"${section.title}" → "${section.newTitle}"`;
  if (section.kind === "renumbered")
    return `${where} ${title}: renumbered to §${section.newNumber}${section.bodyChanged ? ", text edited too" : ""}`;
  return `${where} ${title}: ${section.kind}`;
}

/** Pads every column of `rows` to its widest cell. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/** The report as a steward reads it in a terminal. */
export function renderImpact(report: ImpactReport): string {
  const lines = [`spec:impact: ${report.head} against ${report.base}`, ""];
  if (report.sections.length === 0 && report.schemas.length === 0) {
    lines.push("No section of spec/ and no schema changed.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(`Spec sections changed: ${report.sections.length}`);
  for (const section of report.sections) {
    lines.push(`  ${describeChange(section)}`);
    const citers = section.citedBy.map((citer) =>
      citer.relation === "cites" ? citer.scenario : `${citer.scenario} (via ${citer.citation.split(" ")[1]})`,
    );
    lines.push(`    cited by: ${citers.length === 0 ? "no scenario" : [...new Set(citers)].join(", ")}`);
  }
  lines.push("", `Schemas changed: ${report.schemas.length}`);
  for (const schema of report.schemas) {
    const pointers =
      schema.pointers.length === 0
        ? ""
        : ` at ${schema.pointers.join(", ")}${schema.morePointers > 0 ? ` and ${schema.morePointers} more` : ""}`;
    lines.push(`  ${schema.file}: ${schema.kind}${pointers}`);
    const types = schema.generatedTypes.types.length === 0 ? "" : ` (${schema.generatedTypes.types.join(", ")})`;
    const regenerated = schema.generatedTypes.regenerated ? "regenerated" : "not regenerated: run ./pnpmw generate";
    lines.push(`    generated types: ${schema.generatedTypes.file}${types}, ${regenerated}`);
    if (schema.referencedBy.length > 0) lines.push(`    included by: ${schema.referencedBy.join(", ")}`);
    lines.push(`    validated by: ${schema.validatedBy.length === 0 ? "no scenario" : schema.validatedBy.join(", ")}`);
  }
  lines.push("", `Scenarios touched: ${report.scenarios.length}`);
  if (report.scenarios.length > 0) {
    lines.push(
      ...table([
        ["scenario", ...report.hosts, "profiles"],
        ...report.scenarios.map((scenario) => [
          scenario.id,
          ...report.hosts.map((host) => scenario.outcomes[host] ?? "not run"),
          scenario.profiles.join(", ") || "(no profile)",
        ]),
      ]).map((line) => `  ${line}`),
    );
  }
  lines.push("", `Profiles touched: ${report.profiles.length === 0 ? "none" : report.profiles.join(", ")}`);
  if (report.errors.length > 0) {
    lines.push("", `Errors: ${report.errors.length}`);
    for (const error of report.errors) lines.push(`  ${error.message}: ${error.scenarios.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}
