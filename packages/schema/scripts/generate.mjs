// Embeds the repository's JSON Schemas into src/generated/schemas.ts.
//
//   node ./scripts/generate.mjs           write the file
//   node ./scripts/generate.mjs --check   exit 1 (writing nothing) when it is stale
//
// Embedding (instead of reading schemas/ at run time) lets the published package work
// without the repository around it, and lets bundlers see the documents. The output is a
// pure function of the schema files: sorted names, fixed formatting, no timestamps.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { readSchemas } from "../../../scripts/read-schemas.mjs";

const OUT_FILE = new URL("../src/generated/schemas.ts", import.meta.url);

const checkOnly = process.argv.includes("--check");

async function loadSchemas() {
  return (await readSchemas()).map(({ name, schema }) => ({ name, schema }));
}

function render(entries) {
  const indent = (text) => text.replaceAll("\n", "\n  ");
  return [
    "// generated — do not edit; run pnpm generate",
    "// Source: schemas/*.schema.json (packages/schema/scripts/generate.mjs).",
    "",
    'import type { SchemaName } from "@openwop/types";',
    'import type { SchemaDocument } from "../schema-document.js";',
    "",
    "/** The JSON Schema documents in `schemas/`, by name, exactly as written there. */",
    "export const schemaDocuments: { readonly [Name in SchemaName]: SchemaDocument } = {",
    ...entries.map(({ name, schema }) => `  "${name}": ${indent(JSON.stringify(schema, null, 2))},`),
    "};",
    "",
  ].join("\n");
}

async function main() {
  const contents = render(await loadSchemas());
  const current = await readFile(OUT_FILE, "utf8").catch(() => undefined);
  const where = fileURLToPath(OUT_FILE);
  if (checkOnly) {
    if (current === contents) return;
    console.error(`@openwop/schema: ${where} is out of date; run pnpm generate`);
    process.exitCode = 1;
    return;
  }
  if (current !== contents) {
    await mkdir(new URL(".", OUT_FILE), { recursive: true });
    await writeFile(OUT_FILE, contents);
  }
  console.log(`@openwop/schema: ${where} ${current === contents ? "unchanged" : "written"}`);
}

await main();
