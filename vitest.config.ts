import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "./vitest.shared.js";

// One vitest process runs every workspace project, so `pnpm test` prints one summary.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      projects: ["packages/*", "examples/hosts/*", "conformance", "bench", "soak", "fuzz", "stewards", "packaging"],
    },
  }),
);
