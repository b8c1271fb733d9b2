import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh directory for real database files, removed with everything in it (WAL and SHM included). */
export interface TempDirectory {
  /** A path inside the directory. */
  file(name: string): string;
  remove(): void;
}

export function createTempDirectory(prefix = "openwop-sqlite-"): TempDirectory {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  return {
    file: (name) => join(directory, name),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
