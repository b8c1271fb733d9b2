import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { schemaNames } from "./index.js";

describe("generated types", () => {
  it("match schemas/ (run pnpm generate after editing a schema)", () => {
    const script = fileURLToPath(new URL("../scripts/generate.mjs", import.meta.url));
    // --check exits non-zero, writing nothing, when any generated file is stale or orphaned.
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("name every schema file, sorted", () => {
    const files = readdirSync(fileURLToPath(new URL("../../../schemas/", import.meta.url)))
      .filter((file) => file.endsWith(".schema.json"))
      .map((file) => file.slice(0, -".schema.json".length))
      .sort();
    expect([...schemaNames]).toEqual(files);
  });
});
