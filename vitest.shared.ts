import { defineConfig } from "vitest/config";

/**
 * Test settings every workspace project shares. The `@openwop/source` export condition makes
 * workspace packages resolve to their TypeScript sources, so tests never run against
 * a stale `dist/`.
 */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ["@openwop/source"] },
  ssr: { resolve: { conditions: ["@openwop/source"] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // In-process hosts log every request as a JSON line on stdout; keep test output to
    // warnings and errors. Tests that read logs pass their own logger, or set the level
    // in a spawned host's environment.
    env: { OPENWOP_LOG_LEVEL: process.env["OPENWOP_LOG_LEVEL"] ?? "warn" },
  },
});
