import { schemaNames, type SchemaName } from "@openwop/types";
import { describe, expect, it } from "vitest";
import { asInvalidExample, loadExamples } from "./examples.js";
import { validate } from "./validate.js";

const examples = loadExamples();

function isSchemaName(name: string): name is SchemaName {
  return (schemaNames as readonly string[]).includes(name);
}

describe("schema examples", () => {
  it("finds the examples on disk", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.filter((e) => e.kind === "valid").map((e) => [e.file, e] as const))(
    "%s is valid",
    (_file, example) => {
      if (!isSchemaName(example.schemaName)) throw new Error(`no schema named ${example.schemaName}`);
      const result = validate(example.schemaName, example.content);
      // Show the issues on failure, not just `false`.
      expect(result.valid ? [] : result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
  );

  it.each(examples.filter((e) => e.kind === "invalid").map((e) => [e.file, e] as const))(
    "%s fails where it says",
    (_file, example) => {
      if (!isSchemaName(example.schemaName)) throw new Error(`no schema named ${example.schemaName}`);
      const wrapper = asInvalidExample(example.content);
      if (typeof wrapper === "string") throw new Error(`${example.file} ${wrapper}`);
      const result = validate(example.schemaName, wrapper.instance);
      expect(result.valid).toBe(false);
      if (result.valid) return;
      expect(result.errors.map((issue) => issue.path)).toContain(wrapper.expectErrorAt);
    },
  );
});
