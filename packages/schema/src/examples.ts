import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the repository keeps its schemas, relative to this file. */
export const schemaDir = fileURLToPath(new URL("../../../schemas/", import.meta.url));
/** `schemas/examples/<schema-name>/{valid,invalid}/*.json`. */
export const examplesDir = fileURLToPath(new URL("../../../schemas/examples/", import.meta.url));

/** One example document, read from disk. */
export interface Example {
  schemaName: string;
  kind: "valid" | "invalid";
  /** Path relative to `schemas/examples/`, for test names and failure messages. */
  file: string;
  content: unknown;
}

function listDirectory(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/** Schema names that have a file in `schemas/`. */
export function schemaFileNames(): string[] {
  return listDirectory(schemaDir)
    .filter((file) => file.endsWith(".schema.json"))
    .map((file) => file.slice(0, -".schema.json".length))
    .sort();
}

/** Every example under `schemas/examples/`, sorted by schema, kind and file name. */
export function loadExamples(): Example[] {
  const examples: Example[] = [];
  for (const schemaName of listDirectory(examplesDir)) {
    if (!statSync(`${examplesDir}${schemaName}`).isDirectory()) continue;
    for (const kind of ["valid", "invalid"] as const) {
      for (const file of listDirectory(`${examplesDir}${schemaName}/${kind}`)) {
        if (!file.endsWith(".json")) continue;
        const path = `${examplesDir}${schemaName}/${kind}/${file}`;
        examples.push({
          schemaName,
          kind,
          file: `${schemaName}/${kind}/${file}`,
          content: JSON.parse(readFileSync(path, "utf8")),
        });
      }
    }
  }
  return examples;
}

/** The wrapper every invalid example uses, so each one says why it must fail and where. */
export interface InvalidExample {
  why: string;
  expectErrorAt: string;
  instance: unknown;
}

/** Narrows an invalid example's content to its wrapper, or explains what is wrong with it. */
export function asInvalidExample(content: unknown): InvalidExample | string {
  if (content === null || typeof content !== "object" || Array.isArray(content)) return "is not an object";
  const record = content as Record<string, unknown>;
  const keys = Object.keys(record).sort().join(",");
  if (keys !== "expectErrorAt,instance,why") return `has keys ${keys}; expected exactly why, expectErrorAt, instance`;
  const { why, expectErrorAt, instance } = record;
  if (typeof why !== "string" || why.trim() === "") return "why must be a non-empty string";
  if (typeof expectErrorAt !== "string" || !(expectErrorAt === "" || expectErrorAt.startsWith("/"))) {
    return "expectErrorAt must be a JSON Pointer";
  }
  return { why, expectErrorAt, instance };
}
