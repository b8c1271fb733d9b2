import { defineProject, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../vitest.shared.js";

// Thousands of refused requests would each log an auth or request warning; errors (a 500's
// stack, an engine failure) are what a fuzz run needs to see.
export default mergeConfig(
  sharedTestConfig,
  defineProject({
    test: { name: "@openwop/fuzz", env: { OPENWOP_LOG_LEVEL: process.env["OPENWOP_LOG_LEVEL"] ?? "error" } },
  }),
);
