import type { Tree } from "../trees.js";

/** Where the conformance suite's sources are read from: scenario families and their helpers. */
export const CONFORMANCE_SOURCE_DIRS = ["conformance/src/scenarios", "conformance/src/lib", "conformance/src/runner"];
/** The file that pairs each named validator with its schema. */
export const VALIDATORS_FILE = "packages/schema/src/validators.ts";

const VALIDATOR_DECLARATION = /export const (validate[A-Za-z0-9]+) = createValidator\("([a-z0-9-]+)"\)/g;
// A top-level declaration starts at column 0: `function f`, `export async function f`, `const X =`.
const TOP_LEVEL = /^(?:export\s+)?(?:async\s+)?(?:function\*?\s+|const\s+|let\s+)([A-Za-z_$][\w$]*)/;
const SCENARIO_ID = /\bid:\s*"([a-z0-9-]+)"/g;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** `validateRunEvent` → `run-event`, read from `@openwop/schema`'s own declarations. */
export function validatorSchemas(tree: Tree): Map<string, string> {
  const text = tree.read(VALIDATORS_FILE) ?? "";
  return new Map([...text.matchAll(VALIDATOR_DECLARATION)].map((match) => [match[1] ?? "", match[2] ?? ""]));
}

/**
 * Which schemas each scenario validates answers against, found by reading the suite's source:
 * a scenario uses a validator when its own object literal, or a top-level helper it reaches
 * through the names it mentions (helpers calling helpers, across the suite's files), names
 * the validator. Names are matched textually, so a helper name declared in two files counts
 * as both: the answer may list a scenario too many, never one too few.
 */
export function schemasValidatedByScenario(tree: Tree, scenarioIds: ReadonlySet<string>): Map<string, Set<string>> {
  const validators = validatorSchemas(tree);
  // Every top-level declaration's text, by name (several files may declare one name).
  const declarations = new Map<string, string[]>();
  const scenarioText = new Map<string, string>();
  for (const dir of CONFORMANCE_SOURCE_DIRS) {
    for (const name of tree.list(dir)) {
      if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
      const text = tree.read(`${dir}/${name}`) ?? "";
      for (const [declared, body] of topLevelChunks(text)) {
        const own = splitScenarioLiterals(body, scenarioIds, scenarioText);
        declarations.set(declared, [...(declarations.get(declared) ?? []), own]);
      }
    }
  }
  // Each declaration's direct uses: the schemas of the validators it names, and the other
  // declarations it names.
  const direct = (text: string) => {
    const schemas = new Set<string>();
    const names = new Set<string>();
    for (const identifier of new Set(text.match(IDENTIFIER) ?? [])) {
      const schema = validators.get(identifier);
      if (schema !== undefined) schemas.add(schema);
      else if (declarations.has(identifier)) names.add(identifier);
    }
    return { schemas, names };
  };
  const uses = new Map([...declarations].map(([name, bodies]) => [name, direct(bodies.join("\n"))]));
  const result = new Map<string, Set<string>>();
  for (const [id, text] of scenarioText) {
    const start = direct(text);
    const schemas = new Set(start.schemas);
    const seen = new Set<string>();
    const pending = [...start.names];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const used = uses.get(name);
      for (const schema of used?.schemas ?? []) schemas.add(schema);
      for (const next of used?.names ?? []) pending.push(next);
    }
    result.set(id, schemas);
  }
  return result;
}

/**
 * The source text of each scenario's object literal in the suite's files of `tree` (from its
 * `id: "…"` to the next registered id), for the ids given: what a scenario said in a revision.
 */
export function scenarioSources(tree: Tree, scenarioIds: ReadonlySet<string>): Map<string, string> {
  const sources = new Map<string, string>();
  for (const dir of CONFORMANCE_SOURCE_DIRS) {
    for (const name of tree.list(dir)) {
      if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
      for (const [, body] of topLevelChunks(tree.read(`${dir}/${name}`) ?? ""))
        splitScenarioLiterals(body, scenarioIds, sources);
    }
  }
  return sources;
}

/** `[name, text]` of each top-level declaration of a file, in order. */
function topLevelChunks(text: string): Array<[string, string]> {
  const chunks: Array<[string, string]> = [];
  let current: { name: string; lines: string[] } | undefined;
  for (const line of text.split("\n")) {
    const declared = TOP_LEVEL.exec(line)?.[1];
    if (declared !== undefined) {
      if (current !== undefined) chunks.push([current.name, current.lines.join("\n")]);
      current = { name: declared, lines: [line] };
    } else current?.lines.push(line);
  }
  if (current !== undefined) chunks.push([current.name, current.lines.join("\n")]);
  return chunks;
}

/**
 * Cuts the scenario object literals (from one registered `id: "…"` to the next) out of a
 * declaration's text into `scenarioText`, and returns what is left: the declaration's own part.
 */
function splitScenarioLiterals(
  body: string,
  scenarioIds: ReadonlySet<string>,
  scenarioText: Map<string, string>,
): string {
  const starts = [...body.matchAll(SCENARIO_ID)].filter((match) => scenarioIds.has(match[1] ?? ""));
  if (starts.length === 0) return body;
  starts.forEach((match, index) => {
    const from = match.index ?? 0;
    const to = starts[index + 1]?.index ?? body.length;
    scenarioText.set(match[1] ?? "", body.slice(from, to));
  });
  return body.slice(0, starts[0]?.index ?? 0);
}
