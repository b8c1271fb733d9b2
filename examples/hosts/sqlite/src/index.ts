import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { resolveHostSettings, startOpenWopHost, type HostSettings, type RunningHost } from "@openwop/server";

export const IMPLEMENTATION = { name: "openwop-host-sqlite", version: "0.1.0", vendor: "openwop-toolkit" } as const;
export const DEFAULT_SQLITE_PATH = "./.openwop/openwop.db";

/**
 * Where the database lives when OPENWOP_SQLITE_PATH is unset: relative to the directory the
 * user ran the command in (`INIT_CWD`, set by pnpm), not the host package's folder that
 * `pnpm --dir` switches to — so `./pnpmw start` at the repository root uses ./.openwop/.
 */
export function sqlitePathFromEnv(env: NodeJS.ProcessEnv): string {
  if (env["OPENWOP_SQLITE_PATH"]) return env["OPENWOP_SQLITE_PATH"];
  return resolve(env["INIT_CWD"] ?? process.cwd(), DEFAULT_SQLITE_PATH);
}

/** Any host setting (port 0, a free one, unless chosen), and where the database lives. */
export interface SqliteHostOptions extends Partial<HostSettings> {
  /** The database file; created with its folder when missing. */
  path: string;
}

/** Opens the SQLite file, creating its folder first so a fresh checkout just works. */
export async function openSqliteStorage(path: string) {
  await mkdir(dirname(path), { recursive: true });
  return openSqliteAdapter({ path });
}

/** The embedded durable host: one process, one SQLite file (WAL). */
export async function startSqliteHost({ path, ...settings }: SqliteHostOptions): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: await openSqliteStorage(path),
    implementation: IMPLEMENTATION,
    settings: resolveHostSettings(settings),
  });
}
