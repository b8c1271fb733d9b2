// Generates TypeScript declarations from the repository's JSON Schemas.
//
//   node ./scripts/generate.mjs           write src/generated/*.ts
//   node ./scripts/generate.mjs --check   exit 1 (writing nothing) when the files are stale
//
// One module per schema, named after the schema file, plus an index that re-exports them
// all. Cross-schema `$ref`s (by `$id`) become imports of the referenced schema's module
// rather than copies, so a type such as RunEvent is declared exactly once.
// The output depends on nothing but the schema files: no timestamps, sorted inputs.
import { readdir, readFile, writeFile, mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";
import { readSchemas } from "../../../scripts/read-schemas.mjs";

const OUT_DIR = new URL("../src/generated/", import.meta.url);
const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
const BANNER = [
  "// generated — do not edit; run pnpm generate",
  "// Source: schemas/%FILE% (packages/types/scripts/generate.mjs).",
].join("\n");

const checkOnly = process.argv.includes("--check");

/** Reads every `schemas/*.schema.json`, sorted by name, and checks the identity fields. */
async function loadSchemas() {
  const schemas = [];
  for (const { name, file, schema } of await readSchemas()) {
    const problems = [];
    if (schema.$schema !== DRAFT_2020_12) problems.push(`$schema must be ${DRAFT_2020_12}`);
    if (typeof schema.title !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(schema.title)) {
      problems.push("title must be a PascalCase type name");
    }
    if (problems.length > 0) throw new Error(`schemas/${file}: ${problems.join("; ")}`);
    schemas.push({ name, file, schema });
  }
  return schemas;
}

/** Resolves a JSON pointer fragment such as `/$defs/RunStatus` inside `document`. */
function resolvePointer(document, pointer, where) {
  let node = document;
  for (const raw of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) {
      throw new Error(`${where}: cannot resolve #${pointer}`);
    }
    node = node[key];
  }
  return node;
}

// Keywords whose value is one subschema, a list of them, or a name -> subschema map. Only
// these positions are rewritten below; `const`, `enum`, `default` and `examples` hold data,
// which must stay as written even when it happens to look like a schema.
const SUBSCHEMA = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs", "dependentSchemas"];
const ANNOTATIONS = new Set([
  "title",
  "description",
  "$comment",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

/**
 * Returns a copy of a schema shaped for json-schema-to-typescript, which predates 2020-12:
 *  - a `$ref` to another schema becomes a `tsType` naming the referenced type by its
 *    `title`, and the module it lives in is recorded as an import, so each type is
 *    declared once and imported everywhere else;
 *  - a schema made of annotations only (any JSON value, documented) becomes `unknown`;
 *    the tool only recognises the bare `{}` as "anything" and would emit an object type.
 */
function toTypingSchema(entry, byId) {
  const imports = new Map(); // module name -> Set of type names

  const linkRef = (ref) => {
    const [base, fragment = ""] = ref.split("#");
    const target = byId.get(base);
    if (target === undefined) throw new Error(`schemas/${entry.file}: unknown $ref ${ref}`);
    const referenced = fragment === "" ? target.schema : resolvePointer(target.schema, fragment, target.file);
    if (typeof referenced.title !== "string") {
      throw new Error(`schemas/${entry.file}: $ref ${ref} points at a schema without a title`);
    }
    if (target.name !== entry.name) {
      if (!imports.has(target.name)) imports.set(target.name, new Set());
      imports.get(target.name).add(referenced.title);
    }
    return referenced.title;
  };

  const visit = (schema) => {
    if (schema === null || typeof schema !== "object") return schema; // boolean schemas
    const copy = { ...schema };
    for (const key of SUBSCHEMA) if (key in copy) copy[key] = visit(copy[key]);
    for (const key of SUBSCHEMA_LISTS) if (Array.isArray(copy[key])) copy[key] = copy[key].map(visit);
    for (const key of SUBSCHEMA_MAPS) {
      if (copy[key] !== null && typeof copy[key] === "object") {
        copy[key] = Object.fromEntries(Object.entries(copy[key]).map(([name, sub]) => [name, visit(sub)]));
      }
    }
    if (typeof copy.$ref === "string" && !copy.$ref.startsWith("#")) {
      const { $ref, ...rest } = copy;
      return { ...rest, tsType: linkRef($ref) };
    }
    const keys = Object.keys(copy);
    if (keys.length > 0 && keys.every((key) => ANNOTATIONS.has(key))) return { ...copy, tsType: "unknown" };
    return copy;
  };

  return { schema: visit(entry.schema), imports };
}

/** UPPER_SNAKE_CASE of a PascalCase title: `RunStatus` -> `RUN_STATUS`. */
const screamingSnake = (title) => title.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/**
 * Every titled string enum of a schema, in document order, as `[title, values]`. Code needs
 * these lists at run time (to validate, to iterate, to build SQL), and emitting them here
 * keeps the schema their only source.
 */
function titledEnums(schema) {
  const found = [];
  const visit = (node) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node.title === "string" && Array.isArray(node.enum) && node.enum.every((v) => typeof v === "string")) {
      found.push([node.title, node.enum]);
    }
    for (const [key, value] of Object.entries(node)) {
      // Data keywords hold values, not subschemas.
      if (key === "const" || key === "enum" || key === "default" || key === "examples") continue;
      visit(value);
    }
  };
  visit(schema);
  return found;
}

function renderEnumLists(schema) {
  return titledEnums(schema).map(
    ([title, values]) =>
      `/** Every {@link ${title}}, in schema order. */\nexport const ${screamingSnake(title)}_VALUES = [${values.map((v) => JSON.stringify(v)).join(", ")}] as const satisfies readonly ${title}[];`,
  );
}

/** Names declared with `export interface|type|const` in generated code. */
function exportedNames(code) {
  return [...code.matchAll(/^export (?:interface|type|const) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
}

async function renderModule(entry, byId) {
  const { schema, imports } = toTypingSchema(entry, byId);
  const body = await compile(schema, entry.schema.title, {
    bannerComment: "",
    // Strict declarations: unknown instead of any, no implicit index signatures.
    unknownAny: true,
    additionalProperties: false,
    // Every external $ref has been turned into a tsType above; nothing may be fetched.
    $refOptions: { resolve: { external: false } },
    format: true,
    style: { printWidth: 100, singleQuote: false, trailingComma: "all" },
  });
  const importLines = [...imports.keys()]
    .sort()
    .map((module) => `import type { ${[...imports.get(module)].sort().join(", ")} } from "./${module}.js";`);
  const header = BANNER.replace("%FILE%", entry.file);
  const enumLists = renderEnumLists(entry.schema);
  const parts = [
    header,
    ...(importLines.length > 0 ? [importLines.join("\n")] : []),
    body.trim(),
    ...(enumLists.length > 0 ? [enumLists.join("\n\n")] : []),
  ];
  return `${parts.join("\n\n")}\n`;
}

function renderIndex(entries) {
  const lines = [BANNER.replace("schemas/%FILE%", "schemas/*.schema.json"), ""];
  for (const { name } of entries) lines.push(`export * from "./${name}.js";`);
  lines.push("");
  for (const { name, schema } of entries) lines.push(`import type { ${schema.title} } from "./${name}.js";`);
  lines.push(
    "",
    "/** Every schema in `schemas/`, by file name without `.schema.json`, sorted. */",
    "export const schemaNames = [",
    ...entries.map(({ name }) => `  "${name}",`),
    "] as const;",
    "",
    "/** The name of one schema in `schemas/`. */",
    "export type SchemaName = (typeof schemaNames)[number];",
    "",
    "/** The type a document has once it validates against the schema of that name. */",
    "export interface SchemaTypeMap {",
    ...entries.map(({ name, schema }) => `  "${name}": ${schema.title};`),
    "}",
    "",
  );
  return lines.join("\n");
}

async function main() {
  const entries = await loadSchemas();
  const byId = new Map(entries.map((entry) => [entry.schema.$id, entry]));

  const outputs = new Map(); // file name -> contents
  const declaredIn = new Map(); // type name -> module, to refuse ambiguous re-exports
  for (const entry of entries) {
    const code = await renderModule(entry, byId);
    for (const typeName of exportedNames(code)) {
      const other = declaredIn.get(typeName);
      if (other !== undefined) {
        throw new Error(`type ${typeName} is declared by both ${other} and ${entry.file}; give one a distinct title`);
      }
      declaredIn.set(typeName, entry.file);
    }
    outputs.set(`${entry.name}.ts`, code);
  }
  outputs.set("index.ts", renderIndex(entries));

  const existing = await readdir(OUT_DIR).catch(() => []);
  const stale = [];
  for (const [file, contents] of outputs) {
    const current = await readFile(new URL(file, OUT_DIR), "utf8").catch(() => undefined);
    if (current !== contents) stale.push(file);
  }
  const orphans = existing.filter((file) => !outputs.has(file));

  if (checkOnly) {
    if (stale.length + orphans.length === 0) return;
    console.error(
      `@openwop/types: generated files are out of date (${[...stale, ...orphans].join(", ")}); run pnpm generate`,
    );
    process.exitCode = 1;
    return;
  }
  await mkdir(OUT_DIR, { recursive: true });
  for (const file of stale) await writeFile(new URL(file, OUT_DIR), outputs.get(file));
  for (const file of orphans) await rm(new URL(file, OUT_DIR));
  const where = fileURLToPath(OUT_DIR);
  console.log(`@openwop/types: ${outputs.size} files in ${where} (${stale.length} written, ${orphans.length} removed)`);
}

await main();
