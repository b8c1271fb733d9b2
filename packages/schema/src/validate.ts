import type { ValidateFunction } from "ajv";
import type { SchemaName, SchemaTypeMap } from "@openwop/types";
import { sharedAjv } from "./ajv.js";
import { toIssues } from "./issues.js";
import { schemas } from "./schemas.js";
import type { ValidationResult, Validator } from "./validation-result.js";

function compile(name: SchemaName): ValidateFunction {
  const compiled = sharedAjv().getSchema(schemas[name].$id);
  // Unreachable unless the embedded documents and the schema names disagree.
  if (compiled === undefined) throw new Error(`@openwop/schema: no schema registered for ${name}`);
  return compiled;
}

/**
 * Returns a validator for one schema. The schema is compiled on the first call and the
 * compiled function is reused for every call after it.
 */
export function createValidator<Name extends SchemaName>(name: Name): Validator<SchemaTypeMap[Name]> {
  let compiled: ValidateFunction | undefined;
  return (value: unknown): ValidationResult<SchemaTypeMap[Name]> => {
    compiled ??= compile(name);
    if (compiled(value)) return { valid: true, value: value as SchemaTypeMap[Name] };
    return { valid: false, errors: toIssues(compiled.errors ?? []) };
  };
}

const validatorsByName = new Map<SchemaName, Validator<unknown>>();

/**
 * Validates a value against the schema with the given name. Useful when the schema is
 * chosen at run time; otherwise prefer the named validators such as `validateRunEvent`.
 *
 * @example
 * const result = validate("error-envelope", JSON.parse(body));
 * if (!result.valid) console.error(result.errors);
 */
export function validate<Name extends SchemaName>(name: Name, value: unknown): ValidationResult<SchemaTypeMap[Name]> {
  let validator = validatorsByName.get(name);
  if (validator === undefined) {
    validator = createValidator(name);
    validatorsByName.set(name, validator);
  }
  // The map holds exactly the validator created for `name` above.
  return validator(value) as ValidationResult<SchemaTypeMap[Name]>;
}
