import { defineConfig, type Options } from "tsup";

/**
 * The one build shape every package shares: ESM for Node 22+, declarations, source maps.
 * A package passes its entry points; everything else stays uniform across the workspace.
 */
export function packageBuild(entry: Record<string, string>, overrides: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    target: "node22",
    platform: "node",
    dts: true,
    sourcemap: true,
    clean: true,
    // Shared chunks keep one copy of each class across entry points, so `instanceof` holds.
    splitting: true,
    ...overrides,
  });
}
