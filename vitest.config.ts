import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "./vitest.shared.js";

// One vitest process runs every workspace project, so `pnpm test` prints one summary.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // `fuzz` is left out until the defects it finds are fixed (issue 14's note lists them); run it
      // from its folder: `cd fuzz && ../pnpmw exec vitest run`.
      projects: ["packages/*", "examples/hosts/*", "conformance", "bench", "soak"],
    },
  }),
);
