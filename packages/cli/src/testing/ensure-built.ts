import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const root = join(packageDir, "..", "..");

/** The newest modification time of a file under `dir`, tests excluded. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith(".test.ts")) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Vitest global setup: the tests spawn `dist/cli.js`, so rebuild it (tsup, this package only)
 * when it is missing or older than its sources. `./pnpmw test` has built everything with
 * turbo before vitest starts, so there this does nothing. The hosts the tests start run from
 * their own `dist/`, which `./pnpmw build` makes; a missing one is reported, not built here.
 */
export default function ensureBuilt(): void {
  const bin = join(packageDir, "dist", "cli.js");
  const stale = !existsSync(bin) || statSync(bin).mtimeMs < newest(join(packageDir, "src"));
  if (stale) {
    const built = spawnSync(join(root, "node_modules", ".bin", "tsup"), [], {
      cwd: packageDir,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (built.status !== 0) throw new Error("@openwop/cli: tsup failed to build dist/cli.js");
  }
  for (const needed of [
    "packages/client/dist/index.js",
    "examples/hosts/sqlite/dist/main.js",
    "examples/hosts/in-memory/dist/main.js",
  ]) {
    if (!existsSync(join(root, needed))) throw new Error(`@openwop/cli tests need ${needed}: run ./pnpmw build first`);
  }
}
