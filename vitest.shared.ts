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
  },
});
