import type { SchemaName } from "@openwop/types";
import { deepFreeze } from "./deep-freeze.js";
import { schemaDocuments } from "./generated/schemas.js";
import type { SchemaDocument } from "./schema-document.js";

/**
 * The raw JSON Schema documents, by schema name (the file name without `.schema.json`).
 * Frozen: they are the single source the validators compile from.
 *
 * @example
 * schemas["run-event"].$id; // "https://openwop.dev/schemas/v1/run-event.schema.json"
 */
export const schemas: { readonly [Name in SchemaName]: SchemaDocument } = deepFreeze(schemaDocuments);
