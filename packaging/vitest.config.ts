import { defineProject, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../vitest.shared.js";

export default mergeConfig(sharedTestConfig, defineProject({ test: { name: "@openwop/packaging" } }));
