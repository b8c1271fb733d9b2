import type { ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { toIssues } from "./issues.js";

function ajvError(
  keyword: string,
  instancePath: string,
  params: Record<string, unknown>,
  message?: string,
): ErrorObject {
  return { keyword, instancePath, schemaPath: `#/${keyword}`, params, ...(message === undefined ? {} : { message }) };
}

describe("toIssues", () => {
  it("points a missing property at where it belongs", () => {
    const [issue] = toIssues([ajvError("required", "", { missingProperty: "workflowId" })]);
    expect(issue).toEqual({ path: "/workflowId", message: "is required", keyword: "required" });
  });

  it("points a forbidden property at the property, escaped", () => {
    const [issue] = toIssues([ajvError("additionalProperties", "/owner", { additionalProperty: "a/b" })]);
    expect(issue?.path).toBe("/owner/a~1b");
    expect(issue?.keyword).toBe("additionalProperties");
  });

  it("keeps ajv's location for value errors", () => {
    const [issue] = toIssues([
      ajvError("maximum", "/production/backpressure/retryAfterSeconds", { limit: 86400 }, "must be <= 86400"),
    ]);
    expect(issue).toEqual({
      path: "/production/backpressure/retryAfterSeconds",
      message: "must be <= 86400",
      keyword: "maximum",
    });
  });

  it("lists the allowed values of an enum from the schema", () => {
    const [issue] = toIssues([ajvError("enum", "/status", { allowedValues: ["pending", "running"] })]);
    expect(issue?.message).toBe('must be one of "pending", "running"');
  });

  it("drops exact duplicates from sibling branches but keeps distinct issues in order", () => {
    const issues = toIssues([
      ajvError("additionalProperties", "/resumeValue", { additionalProperty: "action" }),
      ajvError("required", "/resumeValue", { missingProperty: "answers" }),
      ajvError("additionalProperties", "/resumeValue", { additionalProperty: "action" }),
    ]);
    expect(issues.map((i) => `${i.keyword} ${i.path}`)).toEqual([
      "additionalProperties /resumeValue/action",
      "required /resumeValue/answers",
    ]);
  });

  it("falls back to a keyword message when ajv gives none", () => {
    const [issue] = toIssues([ajvError("custom", "/x", {})]);
    expect(issue?.message).toBe("fails the custom rule");
  });
});
