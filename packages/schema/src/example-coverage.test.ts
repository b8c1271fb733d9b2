import { schemaNames } from "@openwop/types";
import { describe, expect, it } from "vitest";
import { loadExamples, schemaFileNames } from "./examples.js";

const examples = loadExamples();

describe("example coverage", () => {
  it.each(schemaFileNames())("%s has at least one valid and one invalid example", (name) => {
    const own = examples.filter((example) => example.schemaName === name);
    expect(own.filter((example) => example.kind === "valid").length).toBeGreaterThanOrEqual(1);
    expect(own.filter((example) => example.kind === "invalid").length).toBeGreaterThanOrEqual(1);
  });

  it("has no examples for schemas that do not exist", () => {
    const known = new Set(schemaFileNames());
    expect([...new Set(examples.map((example) => example.schemaName))].filter((name) => !known.has(name))).toEqual([]);
  });

  it("validates against every schema file, and only those", () => {
    // schemaNames is generated from schemas/; a mismatch means pnpm generate was not run.
    expect([...schemaNames]).toEqual(schemaFileNames());
  });
});
