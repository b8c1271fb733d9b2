import { parse } from "yaml";

/** The info string of the fenced block that holds an RFC's acceptance criteria. */
export const CRITERIA_FENCE = "yaml acceptance-criteria";

/** One checkable acceptance criterion, as an RFC lists it. */
export type Criterion =
  /** `file: path`: the file or directory exists. */
  | { readonly kind: "file"; readonly path: string }
  /** `scenario: id` (with `profile: id`): the scenario is registered (and in that profile's set). */
  | { readonly kind: "scenario"; readonly id: string; readonly profile?: string }
  /** `schema: name` with `property: a.b`: the property exists in `schemas/<name>.schema.json`. */
  | { readonly kind: "schema-property"; readonly schema: string; readonly property: string }
  /** `matrix: row` with `claims: profile`: that row of the interop matrix claims the profile. */
  | { readonly kind: "matrix-claim"; readonly row: string; readonly profile: string }
  /** `changeset: text`: a pending changeset, or a changelog it was released into, mentions the text. */
  | { readonly kind: "changeset"; readonly mentions: string };

export interface ParsedCriteria {
  /** `undefined` when the RFC lists no criteria as data. */
  readonly criteria: readonly Criterion[] | undefined;
  readonly problems: readonly string[];
}

/** The keys each kind of item takes: the first names the kind. */
const SHAPES: ReadonlyArray<{ readonly keys: readonly string[]; readonly optional?: readonly string[] }> = [
  { keys: ["file"] },
  { keys: ["scenario"], optional: ["profile"] },
  { keys: ["schema", "property"] },
  { keys: ["matrix", "claims"] },
  { keys: ["changeset"] },
];

function toCriterion(values: Readonly<Record<string, string>>): Criterion {
  if (values["file"] !== undefined) return { kind: "file", path: values["file"] };
  if (values["scenario"] !== undefined) {
    const profile = values["profile"];
    return { kind: "scenario", id: values["scenario"], ...(profile === undefined ? {} : { profile }) };
  }
  if (values["schema"] !== undefined)
    return { kind: "schema-property", schema: values["schema"], property: values["property"] ?? "" };
  if (values["matrix"] !== undefined)
    return { kind: "matrix-claim", row: values["matrix"], profile: values["claims"] ?? "" };
  return { kind: "changeset", mentions: values["changeset"] ?? "" };
}

/** The text of every fenced block whose info string is {@link CRITERIA_FENCE}. */
function criteriaBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (current === undefined) {
      if (line.trim() === `\`\`\`${CRITERIA_FENCE}`) current = [];
    } else if (line.trim() === "```") {
      blocks.push(current.join("\n"));
      current = undefined;
    } else current.push(line);
  }
  if (current !== undefined) blocks.push(current.join("\n"));
  return blocks;
}

/**
 * Reads the acceptance criteria an RFC lists as data: one fenced `yaml acceptance-criteria`
 * block holding a list of items, each a mapping whose first key names its kind, e.g.
 *
 * ```yaml
 * - scenario: production-backpressure
 *   profile: openwop-production
 * - schema: capabilities
 *   property: production.backpressure
 * ```
 *
 * Every value is a string; an unknown key, a missing companion key or a second block is a problem.
 */
export function parseCriteria(text: string): ParsedCriteria {
  const blocks = criteriaBlocks(text);
  if (blocks.length === 0) return { criteria: undefined, problems: [] };
  if (blocks.length > 1)
    return { criteria: undefined, problems: [`has ${blocks.length} acceptance-criteria blocks; keep one`] };
  let document: unknown;
  try {
    document = parse(blocks[0] ?? "");
  } catch (error) {
    return {
      criteria: undefined,
      problems: [`acceptance criteria are not YAML: ${(error as Error).message.split("\n")[0]}`],
    };
  }
  if (!Array.isArray(document)) return { criteria: undefined, problems: ["acceptance criteria are not a YAML list"] };
  const criteria: Criterion[] = [];
  const problems: string[] = [];
  document.forEach((item: unknown, index) => {
    const where = `acceptance criterion ${index + 1}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push(`${where} is not a mapping`);
      return;
    }
    const entries = Object.entries(item);
    const shape = SHAPES.find((candidate) => candidate.keys[0] === entries[0]?.[0]);
    if (shape === undefined) {
      problems.push(
        `${where} starts with ${entries[0]?.[0] ?? "nothing"}, not one of ${SHAPES.map((s) => s.keys[0]).join(", ")}`,
      );
      return;
    }
    const allowed = [...shape.keys, ...(shape.optional ?? [])];
    const unknown = entries.map(([key]) => key).filter((key) => !allowed.includes(key));
    const missing = shape.keys.filter((key) => !entries.some(([name]) => name === key));
    const notText = entries.filter(([, value]) => typeof value !== "string" || value.trim() === "").map(([key]) => key);
    if (unknown.length > 0) problems.push(`${where} has unknown key(s) ${unknown.join(", ")}`);
    if (missing.length > 0) problems.push(`${where} lacks ${missing.join(", ")}`);
    if (notText.length > 0) problems.push(`${where}: ${notText.join(", ")} must be non-empty text`);
    if (unknown.length === 0 && missing.length === 0 && notText.length === 0)
      criteria.push(toCriterion(Object.fromEntries(entries) as Record<string, string>));
  });
  return { criteria, problems };
}

/** A criterion in words, for reports: `scenario keys-self is registered, in openwop-auth-api-key-rotation`. */
export function describeCriterion(criterion: Criterion): string {
  switch (criterion.kind) {
    case "file":
      return `${criterion.path} exists`;
    case "scenario":
      return `scenario ${criterion.id} is registered${criterion.profile === undefined ? "" : `, in ${criterion.profile}`}`;
    case "schema-property":
      return `schemas/${criterion.schema}.schema.json has property ${criterion.property}`;
    case "matrix-claim":
      return `matrix row ${criterion.row} claims ${criterion.profile}`;
    case "changeset":
      return `a changeset mentions "${criterion.mentions}"`;
  }
}
