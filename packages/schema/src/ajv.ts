import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { schemas } from "./schemas.js";

let shared: Ajv2020 | undefined;

/**
 * The one ajv instance every validator compiles against, created on first use so that
 * importing the package costs nothing until something is validated. All documents are
 * registered up front so that cross-schema `$ref`s resolve by `$id`.
 */
export function sharedAjv(): Ajv2020 {
  if (shared !== undefined) return shared;
  const ajv = new Ajv2020({
    allErrors: true,
    // Strict mode catches typos in our own schemas (unknown keywords, impossible types)…
    strict: true,
    // …except `required` inside if/not subschemas, which is how the conditional rules are
    // written and must not repeat the property definitions.
    strictRequired: false,
    // `type: ["string", "null"]` is standard JSON Schema, used for nullable fields.
    allowUnionTypes: true,
  });
  // ajv-formats is CommonJS; under Node ESM its default import is the module object.
  formats.default(ajv);
  for (const document of Object.values(schemas)) ajv.addSchema(document);
  shared = ajv;
  return ajv;
}
