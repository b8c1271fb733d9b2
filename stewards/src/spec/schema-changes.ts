import type { Tree } from "../trees.js";

export const SCHEMA_DIR = "schemas";
export const GENERATED_TYPES_DIR = "packages/types/src/generated";
const SUFFIX = ".schema.json";
const ID_PREFIX = "https://openwop.dev/schemas/v1/";
/** Most JSON pointers listed per changed schema; the rest are counted. */
const MAX_POINTERS = 12;

export interface SchemaChange {
  readonly kind: "added" | "removed" | "edited";
  /** `run-event` for `schemas/run-event.schema.json`. */
  readonly schema: string;
  readonly file: string;
  /** The JSON pointers whose values differ (at most a dozen), or a note when a side is not JSON. */
  readonly pointers: readonly string[];
  readonly morePointers: number;
  /** `packages/types/src/generated/<schema>.ts` and the types it exports (in the head, else the base). */
  readonly generatedTypes: { readonly file: string; readonly types: readonly string[]; readonly regenerated: boolean };
  /** Schemas whose validation includes this one through `$ref` (directly or not), sorted. */
  readonly referencedBy: readonly string[];
}

const schemaNames = (tree: Tree) =>
  tree
    .list(SCHEMA_DIR)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => name.slice(0, -SUFFIX.length));

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** The JSON pointers at which two documents differ: objects are compared member by member, anything else whole. */
export function differingPointers(base: unknown, head: unknown, at = ""): string[] {
  if (isRecord(base) && isRecord(head)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    return keys.flatMap((key) => differingPointers(base[key], head[key], `${at}/${escapePointer(key)}`));
  }
  return JSON.stringify(base) === JSON.stringify(head) ? [] : [at === "" ? "/" : at];
}

/** Every `$ref` target schema name of a document (other schemas of this directory only). */
function referencedSchemas(document: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(document)) for (const item of document) referencedSchemas(item, into);
  else if (isRecord(document)) {
    for (const [key, value] of Object.entries(document)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(ID_PREFIX)) {
        const file = value.slice(ID_PREFIX.length).split("#")[0] ?? "";
        if (file.endsWith(SUFFIX)) into.add(file.slice(0, -SUFFIX.length));
      } else referencedSchemas(value, into);
    }
  }
  return into;
}

/** Schema → the schemas that include it through `$ref`, transitively, in the given tree. */
export function referrers(tree: Tree): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  for (const name of schemaNames(tree)) {
    const parsed = parseJson(tree.read(`${SCHEMA_DIR}/${name}${SUFFIX}`));
    refs.set(name, parsed.ok ? referencedSchemas(parsed.value) : new Set());
  }
  const result = new Map<string, Set<string>>();
  for (const name of refs.keys()) {
    const found = new Set<string>();
    const pending = [name];
    for (let target = pending.pop(); target !== undefined; target = pending.pop()) {
      for (const [referrer, targets] of refs) {
        if (targets.has(target) && referrer !== name && !found.has(referrer)) {
          found.add(referrer);
          pending.push(referrer);
        }
      }
    }
    result.set(name, found);
  }
  return result;
}

const exportedTypes = (text: string | undefined) =>
  [...(text ?? "").matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm)].map((match) => match[1] ?? "");

/** The schemas of `schemas/` that differ between two trees, with their generated types and referrers. */
export function schemaChanges(base: Tree, head: Tree): SchemaChange[] {
  const names = [...new Set([...schemaNames(base), ...schemaNames(head)])].sort();
  const headReferrers = referrers(head);
  const baseReferrers = referrers(base);
  const changes: SchemaChange[] = [];
  for (const schema of names) {
    const file = `${SCHEMA_DIR}/${schema}${SUFFIX}`;
    const before = base.read(file);
    const after = head.read(file);
    if (before === after) continue;
    const kind = before === undefined ? "added" : after === undefined ? "removed" : "edited";
    const parsedBefore = parseJson(before);
    const parsedAfter = parseJson(after);
    let pointers: string[];
    if (kind !== "edited") pointers = [];
    else if (!parsedBefore.ok || !parsedAfter.ok) pointers = ["(not valid JSON on one side)"];
    else pointers = differingPointers(parsedBefore.value, parsedAfter.value);
    const typesFile = `${GENERATED_TYPES_DIR}/${schema}.ts`;
    const typesAfter = head.read(typesFile);
    const typesBefore = base.read(typesFile);
    changes.push({
      kind,
      schema,
      file,
      pointers: pointers.slice(0, MAX_POINTERS),
      morePointers: Math.max(0, pointers.length - MAX_POINTERS),
      generatedTypes: {
        file: typesFile,
        types: exportedTypes(typesAfter ?? typesBefore),
        regenerated: typesAfter !== typesBefore,
      },
      referencedBy: [...(headReferrers.get(schema) ?? baseReferrers.get(schema) ?? [])].sort(),
    });
  }
  return changes;
}
