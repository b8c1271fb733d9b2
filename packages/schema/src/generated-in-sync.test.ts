import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("src/generated/schemas.ts", () => {
  it("matches schemas/ (run pnpm generate after editing a schema)", () => {
    const script = fileURLToPath(new URL("../scripts/generate.mjs", import.meta.url));
    // --check exits non-zero, writing nothing, when the embedded copies are stale.
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
