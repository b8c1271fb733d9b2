import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type as osType } from "node:os";
import { promisify } from "node:util";
import { findPostgresBinaries } from "@openwop/pg-harness";

const run = promisify(execFile);

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string | null;
  /** Filesystem type of the scratch directory holding the SQLite files and the Postgres cluster. */
  scratchFilesystem: string | null;
  /** 1, 5 and 15-minute load averages when the bench started and ended: other work on the machine shows here. */
  loadAverage: { start: number[]; end: number[] };
}

/** The load averages now, rounded to two decimals. */
export function loadAverageNow(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

/** The filesystem type mounted at (or above) `path`, from /proc/mounts. */
export function filesystemOf(path: string, mounts: string): string | null {
  let best: { mount: string; type: string } | null = null;
  for (const line of mounts.split("\n")) {
    const [, mount, type] = line.split(" ");
    if (!mount || !type) continue;
    const covers = path === mount || path.startsWith(mount.endsWith("/") ? mount : `${mount}/`);
    if (covers && (!best || mount.length > best.mount.length)) best = { mount, type };
  }
  return best?.type ?? null;
}

/** `postgres (PostgreSQL) 15.18 …` → `15.18 …`, asked of the server itself when a URL is given. */
async function postgresVersion(url: string | undefined): Promise<string | null> {
  try {
    const { psql } = findPostgresBinaries();
    if (url) {
      const { stdout } = await run(psql, ["-X", "-At", "-d", url, "-c", "show server_version"]);
      return stdout.trim() || null;
    }
    const { stdout } = await run(psql, ["--version"]);
    return stdout.replace(/^psql \(PostgreSQL\)\s*/, "").trim() || null;
  } catch {
    return null;
  }
}

export async function describeMachine(
  scratchDir: string,
  loadAtStart: number[],
  postgresUrl?: string,
): Promise<MachineInfo> {
  const processors = cpus();
  let mounts = "";
  try {
    mounts = readFileSync("/proc/mounts", "utf8");
  } catch {
    // not Linux: leave the filesystem unknown
  }
  return {
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    postgres: await postgresVersion(postgresUrl),
    scratchFilesystem: mounts ? filesystemOf(scratchDir, mounts) : null,
    loadAverage: { start: loadAtStart, end: loadAverageNow() },
  };
}
