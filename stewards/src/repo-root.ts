import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The repository a command works on: the nearest directory at or above `start` that holds
 * `pnpm-workspace.yaml`, so `pnpm spec:impact` works from any package directory. Falls back
 * to `start` itself, which lets the tools run on a bare copy of the spec in a test.
 */
export function findRepoRoot(start: string): string {
  let current = resolve(start);
  for (;;) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    const parent = dirname(current);
    if (parent === current) return resolve(start);
    current = parent;
  }
}
