import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The workspace root: the nearest ancestor of `from` holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string): string {
  let current = from;
  for (;;) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    const parent = dirname(current);
    if (parent === current) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    current = parent;
  }
}
