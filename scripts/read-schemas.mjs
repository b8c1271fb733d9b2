// Reads every `schemas/*.schema.json`, for the generators of @openwop/types and @openwop/schema.
import { readdir, readFile } from "node:fs/promises";

export const SCHEMA_DIR = new URL("../schemas/", import.meta.url);
export const ID_PREFIX = "https://openwop.dev/schemas/v1/";
const SUFFIX = ".schema.json";

/**
 * `[{name, file, schema}]`, sorted by schema name (so "a" sorts before "a-b", as every list
 * derived from the names does), with `$id` checked: the validators look schemas up by it.
 */
export async function readSchemas() {
  const files = (await readdir(SCHEMA_DIR)).filter((file) => file.endsWith(SUFFIX));
  const entries = [];
  for (const file of files) {
    const schema = JSON.parse(await readFile(new URL(file, SCHEMA_DIR), "utf8"));
    if (schema.$id !== `${ID_PREFIX}${file}`) throw new Error(`schemas/${file}: $id must be ${ID_PREFIX}${file}`);
    entries.push({ name: file.slice(0, -SUFFIX.length), file, schema });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
