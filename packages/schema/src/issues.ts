import type { ErrorObject } from "ajv";
import { appendPointer } from "./json-pointer.js";
import type { ValidationIssue } from "./validation-result.js";

// For these keywords ajv reports the object that holds the problem; the issue should point
// at the property itself, which ajv names in `params`.
const PROPERTY_PARAM: Readonly<Record<string, string>> = {
  required: "missingProperty",
  dependentRequired: "missingProperty",
  additionalProperties: "additionalProperty",
  unevaluatedProperties: "unevaluatedProperty",
  propertyNames: "propertyName",
};

function stringParam(error: ErrorObject, key: string): string | undefined {
  const value: unknown = (error.params as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

function pathOf(error: ErrorObject): string {
  const paramKey = PROPERTY_PARAM[error.keyword];
  const property = paramKey === undefined ? undefined : stringParam(error, paramKey);
  // ajv's instancePath is already an escaped JSON Pointer.
  return property === undefined ? error.instancePath : appendPointer(error.instancePath, property);
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
    case "dependentRequired":
      return "is required";
    case "additionalProperties":
    case "unevaluatedProperties":
      return "is not an allowed property here";
    case "enum":
      // The allowed values come from the schema, never from the caller's document.
      return Array.isArray(params["allowedValues"])
        ? `must be one of ${params["allowedValues"].map((v) => JSON.stringify(v)).join(", ")}`
        : "must be one of the allowed values";
    case "const":
      return `must be ${JSON.stringify(params["allowedValue"])}`;
    default:
      return error.message ?? `fails the ${error.keyword} rule`;
  }
}

/**
 * Turns ajv's errors into issues that point at the offending instance location. Branches
 * of `anyOf`/`oneOf` can report the same problem more than once; duplicates are dropped,
 * order is kept.
 */
export function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const issue = { path: pathOf(error), message: messageOf(error), keyword: error.keyword };
    const key = `${issue.path}\u0000${issue.keyword}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
