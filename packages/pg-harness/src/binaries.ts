import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Where the server binaries (`initdb`, `pg_ctl`, `postgres`) and their client tools live. */
export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  pgCtl: string;
  createdb: string;
  pgIsReady: string;
  psql: string;
}

/** Thrown when no Postgres installation can be found; the message says how to get one. */
export class PostgresNotInstalledError extends Error {
  override readonly name = "PostgresNotInstalledError";
  constructor(searched: string[]) {
    super(
      `no Postgres server binaries (initdb, pg_ctl) found; looked in ${searched.join(", ")}. ` +
        "Install them (Debian/Ubuntu: `apt-get install -y postgresql`) or point PG_BIN_DIR at the directory holding pg_ctl.",
    );
  }
}

const DEBIAN_ROOT = "/usr/lib/postgresql";

function binariesIn(binDir: string): PostgresBinaries | null {
  const tool = (name: string): string => join(binDir, name);
  if (!existsSync(tool("initdb")) || !existsSync(tool("pg_ctl"))) return null;
  return {
    binDir,
    initdb: tool("initdb"),
    pgCtl: tool("pg_ctl"),
    createdb: tool("createdb"),
    pgIsReady: tool("pg_isready"),
    psql: tool("psql"),
  };
}

/** Debian installs every major side by side; the newest is the one a developer most likely wants. */
function newestDebianBinaries(): PostgresBinaries | null {
  if (!existsSync(DEBIAN_ROOT)) return null;
  const majors = readdirSync(DEBIAN_ROOT)
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const found = binariesIn(join(DEBIAN_ROOT, major, "bin"));
    if (found) return found;
  }
  return null;
}

function binariesOnPath(): PostgresBinaries | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const found = dir ? binariesIn(dir) : null;
    if (found) return found;
  }
  return null;
}

/**
 * Finds the Postgres binaries: `PG_BIN_DIR` (or an explicit directory) first, then the
 * newest `/usr/lib/postgresql/<major>/bin`, then `pg_ctl` on `PATH`. On Debian the
 * versioned directory wins over `PATH`, because `/usr/bin` there only has client wrappers.
 */
export function findPostgresBinaries(explicitBinDir: string | undefined = process.env.PG_BIN_DIR): PostgresBinaries {
  if (explicitBinDir) {
    const found = binariesIn(explicitBinDir);
    if (found) return found;
    // An explicit choice that does not work is a configuration error, not a reason to guess.
    throw new PostgresNotInstalledError([`${explicitBinDir} (PG_BIN_DIR)`]);
  }
  const found = newestDebianBinaries() ?? binariesOnPath();
  if (found) return found;
  throw new PostgresNotInstalledError(["PG_BIN_DIR (unset)", `${DEBIAN_ROOT}/*/bin`, "PATH"]);
}
