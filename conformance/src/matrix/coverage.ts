import { PROFILES } from "../profiles/catalog.js";
import type { Scenario } from "../runner/scenario.js";
import { table } from "./markdown.js";
import { PRODUCTION_REQUIREMENTS, witnessesOf } from "./production-requirements.js";

export const COVERAGE_PATH = "conformance/coverage.md";

/** conformance/coverage.md: the registry as a document — profile sets, citations, production evidence map. */
export function renderCoverage(registry: readonly Scenario[]): string {
  const lines: string[] = [
    "# Conformance coverage",
    "",
    "<!-- Generated from the scenario registry (conformance/src/scenarios/registry.ts) by `pnpm matrix`. Do not edit. -->",
    "",
    `The registry holds ${registry.length} scenarios. Each belongs to the profiles listed and cites the section of \`spec/v1/\` it tests; a profile's scenario set is every scenario that lists it (spec/v1/profiles.md §4.3).`,
    "",
    "## Profiles and their scenario sets",
    "",
  ];
  for (const profile of PROFILES) {
    const members = registry.filter((scenario) => scenario.profiles.includes(profile.id));
    lines.push(
      `### \`${profile.id}\` (${profile.spec}) — ${members.length} scenarios`,
      "",
      members.map((scenario) => `\`${scenario.id}\``).join(", "),
      "",
    );
  }
  const unaffiliated = registry.filter((scenario) => scenario.profiles.length === 0);
  if (unaffiliated.length > 0) {
    lines.push(
      "### In no profile's set",
      "",
      `Optional behaviour whose absence denies nothing: ${unaffiliated.map((scenario) => `\`${scenario.id}\``).join(", ")}.`,
      "",
    );
  }
  lines.push("## Scenarios", "");
  lines.push(
    table(
      ["Scenario", "Title", "Profiles", "Spec", "Also cites", "Needs"],
      registry.map((scenario) => [
        `\`${scenario.id}\``,
        scenario.title,
        scenario.profiles.length === 0 ? "none" : scenario.profiles.join(", "),
        scenario.spec,
        (scenario.alsoCites ?? []).join("; "),
        scenario.requires === "host-manifest" ? "--host-manifest (starts and kills host processes)" : "",
      ]),
    ),
    "",
    "## Production evidence map",
    "",
    "Which scenarios witness each requirement of spec/v1/production-profile.md §3 (a scenario witnesses a requirement by citing its section).",
    "",
    table(
      ["Requirement", "Section", "Scenarios"],
      PRODUCTION_REQUIREMENTS.map((requirement) => [
        `${requirement.id} ${requirement.title}`,
        requirement.spec,
        witnessesOf(requirement, registry)
          .map((scenario) => `\`${scenario.id}\``)
          .join(", "),
      ]),
    ),
    "",
  );
  return lines.join("\n");
}
