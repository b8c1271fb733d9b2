import { citationResolves, parseCitation } from "@openwop/conformance";
import { readHostResults } from "../results.js";
import type { Tree } from "../trees.js";
import { schemaChanges, type SchemaChange } from "./schema-changes.js";
import { scenarioSources, schemasValidatedByScenario } from "./schema-usage.js";
import { type SectionChange, sectionChanges } from "./section-changes.js";
import { ancestorsOf } from "./sections.js";

/** The spec directories whose sections scenarios cite. */
export const SPEC_DIRS = ["spec/v1"];

/** What the tool needs of a scenario: the registry's entries satisfy it. */
export interface CitingScenario {
  readonly id: string;
  readonly title: string;
  readonly profiles: readonly string[];
  readonly spec: string;
  readonly alsoCites?: readonly string[];
}

/** How a scenario is tied to a changed section. */
export interface Citer {
  readonly scenario: string;
  /** The citation as the scenario writes it. */
  readonly citation: string;
  /** `cites`: the section itself; `contains`: a section that contains the changed one. */
  readonly relation: "cites" | "contains";
}

export interface SectionImpact extends SectionChange {
  readonly citedBy: readonly Citer[];
}

export interface SchemaImpact extends SchemaChange {
  /** Scenarios validating answers against this schema or a schema that includes it. */
  readonly validatedBy: readonly string[];
}

export interface ScenarioImpact {
  readonly id: string;
  readonly title: string;
  readonly profiles: readonly string[];
  /** Host row → its outcome in the committed results (`not run` when the row has none). */
  readonly outcomes: Readonly<Record<string, string>>;
  /** Why it is listed, e.g. `cites spec/v1/core.md §2.2 (edited)`. */
  readonly reasons: readonly string[];
}

/** A change that leaves scenarios citing a section that is gone or has moved. */
export interface ImpactError {
  readonly message: string;
  readonly scenarios: readonly string[];
}

export interface ImpactReport {
  readonly base: string;
  readonly head: string;
  readonly hosts: readonly string[];
  readonly sections: readonly SectionImpact[];
  readonly schemas: readonly SchemaImpact[];
  readonly scenarios: readonly ScenarioImpact[];
  /** Every profile a listed scenario belongs to, in first-seen order of the registry. */
  readonly profiles: readonly string[];
  readonly errors: readonly ImpactError[];
}

const citationsOf = (scenario: CitingScenario) => [scenario.spec, ...(scenario.alsoCites ?? [])];
const sectionLabel = (file: string, number: string) => (number === "" ? `${file} (preamble)` : `${file} §${number}`);

/** Which scenarios cite `number` of `file`, or (for `withParents`) a section containing it. */
function citersOf(scenarios: readonly CitingScenario[], file: string, number: string, withParents: boolean): Citer[] {
  if (number === "") return [];
  const parents = new Set(withParents ? ancestorsOf(number) : []);
  const citers: Citer[] = [];
  for (const scenario of scenarios) {
    for (const citation of citationsOf(scenario)) {
      const parsed = parseCitation(citation);
      if (parsed === undefined || parsed.file !== file) continue;
      if (parsed.section === number) citers.push({ scenario: scenario.id, citation, relation: "cites" });
      else if (parents.has(parsed.section)) citers.push({ scenario: scenario.id, citation, relation: "contains" });
    }
  }
  return citers;
}

/**
 * What a change to the spec and the schemas touches: the sections added, removed, edited or
 * renumbered between `base` and `head`, the scenarios citing each, the schemas changed with
 * their generated types and the scenarios validating against them, and for every scenario
 * named its profiles and each host's outcome in `head`'s committed results. A removed or
 * renumbered section that a scenario still cites is an error.
 */
export function specImpact(base: Tree, head: Tree, scenarios: readonly CitingScenario[]): ImpactReport {
  const reasons = new Map<string, string[]>();
  const because = (scenario: string, reason: string) => {
    const list = reasons.get(scenario) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(scenario, list);
  };
  const errors: ImpactError[] = [];
  let baseSources: Map<string, string> | undefined;

  const sections: SectionImpact[] = [];
  for (const dir of SPEC_DIRS) {
    const files = [...new Set([...base.list(dir), ...head.list(dir)])].filter((name) => name.endsWith(".md")).sort();
    for (const name of files) {
      const file = `${dir}/${name}`;
      const headText = head.read(file);
      for (const change of sectionChanges(file, base.read(file), headText)) {
        let citedBy: Citer[];
        if (change.kind === "renumbered" || change.kind === "removed") {
          const citing = citersOf(scenarios, file, change.number, false);
          const resolves = citationResolves(`${file} §${change.number}`, headText);
          // Citing the old number is stale when it no longer resolves, or when the scenario
          // cited it already in the base: it meant the section that moved. Only a scenario
          // whose base source is known, writes its citations literally and did not cite this
          // number cites it afresh, meaning the section now there; anything unsure is stale.
          baseSources ??= scenarioSources(base, new Set(scenarios.map((scenario) => scenario.id)));
          const sources = baseSources;
          const citesAfresh = (citer: Citer) => {
            const source = sources.get(citer.scenario);
            // A scenario the base does not have was written against the new text.
            if (source === undefined) return sources.size > 0;
            return source.includes('spec: "') && !source.includes(`"${citer.citation}"`);
          };
          const stale = citing.filter((citer) => !resolves || !citesAfresh(citer));
          const moved = change.newNumber === undefined ? [] : citersOf(scenarios, file, change.newNumber, false);
          citedBy = [...citing, ...moved];
          if (stale.length > 0) {
            const where =
              change.kind === "renumbered"
                ? `was renumbered to §${change.newNumber}`
                : headText === undefined
                  ? "was removed with its file"
                  : "was removed";
            errors.push({
              message:
                `${sectionLabel(file, change.number)} "${change.title}" ${where}, but scenarios still cite ` +
                `§${change.number}${resolves ? ", which now names a different section" : ""}`,
              scenarios: [...new Set(stale.map((citer) => citer.scenario))],
            });
          }
        } else citedBy = citersOf(scenarios, file, change.number, true);
        for (const citer of citedBy) {
          const relation = citer.relation === "cites" ? "cites" : `cites ${citer.citation}, which contains`;
          const target = citer.relation === "cites" ? citer.citation : `§${change.number}`;
          because(citer.scenario, `${relation} ${target} (${change.kind})`);
        }
        sections.push({ ...change, citedBy });
      }
    }
  }

  const ids = new Set(scenarios.map((scenario) => scenario.id));
  const changedSchemas = schemaChanges(base, head);
  const validated = changedSchemas.length > 0 ? schemasValidatedByScenario(head, ids) : new Map<string, Set<string>>();
  const schemas: SchemaImpact[] = changedSchemas.map((change) => {
    const reached = new Set([change.schema, ...change.referencedBy]);
    const validatedBy = scenarios
      .filter((scenario) => [...(validated.get(scenario.id) ?? [])].some((schema) => reached.has(schema)))
      .map((scenario) => scenario.id);
    for (const id of validatedBy) because(id, `validates against ${change.file} (${change.kind})`);
    return { ...change, validatedBy };
  });

  const hostResults = readHostResults(head);
  const touched = scenarios.filter((scenario) => reasons.has(scenario.id));
  const profiles: string[] = [];
  for (const scenario of touched)
    for (const profile of scenario.profiles) if (!profiles.includes(profile)) profiles.push(profile);
  return {
    base: base.label,
    head: head.label,
    hosts: hostResults.map((host) => host.name),
    sections,
    schemas,
    scenarios: touched.map((scenario) => ({
      id: scenario.id,
      title: scenario.title,
      profiles: [...scenario.profiles],
      outcomes: Object.fromEntries(hostResults.map((host) => [host.name, host.outcomes.get(scenario.id) ?? "not run"])),
      reasons: reasons.get(scenario.id) ?? [],
    })),
    profiles,
    errors,
  };
}
