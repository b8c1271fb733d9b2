import { defineProject, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

// The tests run the built binary, so the global setup builds it first when its sources are newer.
export default mergeConfig(
  sharedTestConfig,
  defineProject({ test: { name: "@openwop/cli", globalSetup: ["./src/testing/ensure-built.ts"] } }),
);
