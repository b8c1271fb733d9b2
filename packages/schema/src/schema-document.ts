/**
 * One JSON Schema 2020-12 document from `schemas/`. Only the identity keywords every
 * document carries are typed; the rest is read by ajv, not by TypeScript code.
 */
export interface SchemaDocument {
  readonly $schema: "https://json-schema.org/draft/2020-12/schema";
  /** Canonical URL, `https://openwop.dev/schemas/v1/<name>.schema.json`; `$ref`s use it. */
  readonly $id: string;
  /** The name of the TypeScript type generated from the document. */
  readonly title: string;
  readonly [keyword: string]: unknown;
}
