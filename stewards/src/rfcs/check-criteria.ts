import { readHostResults } from "../results.js";
import { SCHEMA_DIR } from "../spec/schema-changes.js";
import type { Tree } from "../trees.js";
import { type Criterion, describeCriterion } from "./acceptance-criteria.js";

/** What the scenario criteria are checked against: the registry the tools were built with. */
export interface Registry {
  readonly scenarios: ReadonlyArray<{ readonly id: string; readonly profiles: readonly string[] }>;
  readonly profiles: readonly string[];
}

export interface CriterionResult {
  readonly criterion: Criterion;
  readonly description: string;
  readonly met: boolean;
  /** Why it is not met. */
  readonly detail?: string;
}

const SCHEMA_ID_PREFIX = "https://openwop.dev/schemas/v1/";
const CHANGESET_DIR = ".changeset";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function readSchema(tree: Tree, name: string): unknown {
  const text = tree.read(`${SCHEMA_DIR}/${name}.schema.json`);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Follows `$ref` (inside the document, or to another schema of `schemas/`) until a node has none. */
function dereference(tree: Tree, document: unknown, node: unknown, depth = 0): [unknown, unknown] {
  if (!isRecord(node) || typeof node["$ref"] !== "string" || depth > 32) return [document, node];
  const ref = node["$ref"];
  let target = document;
  let fragment = ref;
  if (!ref.startsWith("#")) {
    if (!ref.startsWith(SCHEMA_ID_PREFIX)) return [document, undefined];
    const [file = "", hash = ""] = ref.slice(SCHEMA_ID_PREFIX.length).split("#");
    target = readSchema(tree, file.replace(/\.schema\.json$/, ""));
    fragment = `#${hash}`;
  }
  let resolved: unknown = target;
  for (const part of fragment
    .slice(1)
    .split("/")
    .filter((segment) => segment !== "")) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    resolved = isRecord(resolved) ? resolved[key] : undefined;
  }
  return dereference(tree, target, resolved, depth + 1);
}

/** The subschemas a property may be declared in: the node and its `allOf`/`anyOf`/`oneOf` branches. */
function branches(tree: Tree, document: unknown, node: unknown): Array<[unknown, Record<string, unknown>]> {
  const [owner, resolved] = dereference(tree, document, node);
  if (!isRecord(resolved)) return [];
  const found: Array<[unknown, Record<string, unknown>]> = [[owner, resolved]];
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const list = resolved[keyword];
    if (Array.isArray(list)) for (const branch of list) found.push(...branches(tree, owner, branch));
  }
  return found;
}

/** Whether `a.b.c` is declared under `properties` at each step from the schema's root. */
export function schemaHasProperty(tree: Tree, schema: string, property: string): boolean {
  const root = readSchema(tree, schema);
  if (root === undefined) return false;
  let current: Array<[unknown, unknown]> = [[root, root]];
  for (const name of property.split(".")) {
    const next: Array<[unknown, unknown]> = [];
    for (const [document, node] of current) {
      for (const [owner, branch] of branches(tree, document, node)) {
        const properties = branch["properties"];
        if (isRecord(properties) && name in properties) next.push([owner, properties[name]]);
      }
    }
    if (next.length === 0) return false;
    current = next;
  }
  return true;
}

/** Pending changesets, and the changelogs released changesets were written into. */
function changeTexts(tree: Tree): string[] {
  const files = [
    ...tree
      .list(CHANGESET_DIR)
      .filter((name) => name.endsWith(".md") && name !== "README.md")
      .map((name) => `${CHANGESET_DIR}/${name}`),
    "CHANGELOG.md",
    ...["packages", "examples/hosts"].flatMap((dir) => tree.listDirs(dir).map((name) => `${dir}/${name}/CHANGELOG.md`)),
    ...["conformance", "bench", "soak", "fuzz", "stewards"].map((dir) => `${dir}/CHANGELOG.md`),
  ];
  return files.map((file) => tree.read(file)).filter((text): text is string => text !== undefined);
}

interface CheckContext {
  readonly tree: Tree;
  readonly registry: Registry;
  readonly hosts: ReturnType<typeof readHostResults>;
  readonly changes: () => readonly string[];
}

/** Why a criterion is not met, or `undefined` when it is. */
function unmetBecause(criterion: Criterion, { tree, registry, hosts, changes }: CheckContext): string | undefined {
  switch (criterion.kind) {
    case "file":
      return tree.exists(criterion.path) ? undefined : "no such file or directory";
    case "scenario": {
      const scenario = registry.scenarios.find((entry) => entry.id === criterion.id);
      if (scenario === undefined) return "not in the conformance registry";
      if (criterion.profile === undefined) return undefined;
      if (!registry.profiles.includes(criterion.profile)) return `${criterion.profile} is not a profile`;
      return scenario.profiles.includes(criterion.profile)
        ? undefined
        : `its profiles are ${scenario.profiles.join(", ") || "none"}`;
    }
    case "schema-property":
      if (readSchema(tree, criterion.schema) === undefined) return "no such schema";
      return schemaHasProperty(tree, criterion.schema, criterion.property) ? undefined : "no such property";
    case "matrix-claim": {
      const host = hosts.find((entry) => entry.name === criterion.row);
      if (host === undefined) return "no such row in conformance/results/index.json";
      const claimed = host.claims.get(criterion.profile);
      if (claimed === undefined) return `its results judge no profile ${criterion.profile}`;
      return claimed ? undefined : "its results do not claim it";
    }
    case "changeset":
      return changes().some((text) => text.includes(criterion.mentions))
        ? undefined
        : "no changeset or changelog mentions it";
  }
}

/** Checks each criterion against a tree and the registry; every result says whether it is met. */
export function checkCriteria(criteria: readonly Criterion[], tree: Tree, registry: Registry): CriterionResult[] {
  let changes: string[] | undefined;
  const context: CheckContext = {
    tree,
    registry,
    hosts: readHostResults(tree),
    changes: () => {
      changes ??= changeTexts(tree);
      return changes;
    },
  };
  return criteria.map((criterion) => {
    const description = describeCriterion(criterion);
    const detail = unmetBecause(criterion, context);
    return detail === undefined
      ? { criterion, description, met: true }
      : { criterion, description, met: false, detail };
  });
}
