import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Child processes the bench starts (hosts, the in-process ceiling, the peer) and what
 * Linux says about them: resident memory from /proc/<pid>/status, CPU time from
 * /proc/<pid>/stat.
 */

/** Kernel clock ticks per second for /proc/<pid>/stat times; 100 on every Linux the bench targets. */
const CLOCK_TICKS = 100;
const OUTPUT_TAIL = 64 * 1024;

export interface MemoryReading {
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM), in bytes. */
  peakRssBytes: number;
}

/** VmRSS and VmHWM of `pid`, or null when the process is gone (or this is not Linux). */
export function readMemory(pid: number): MemoryReading | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : null;
  };
  const rss = field("VmRSS");
  if (rss === null) return null;
  return { rssBytes: rss, peakRssBytes: field("VmHWM") ?? rss };
}

/** User + system CPU seconds `pid` has used, or null when it is gone. */
export function readCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) is parenthesised and may hold spaces; fields resume after ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS : null;
}

/** CPU seconds of every process whose command name is exactly `comm` (e.g. all Postgres backends). */
export function readCpuSecondsByName(comm: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== comm) continue;
    } catch {
      continue;
    }
    total += readCpuSeconds(Number(entry)) ?? 0;
  }
  return total;
}

export interface ManagedProcess {
  readonly label: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 64 KiB the process printed (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the first stdout line matching `pattern`, or rejects when the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: boolean;
}

/** Children still running, so an interrupted bench never leaves a host behind. */
const live = new Set<ChildProcess>();

/** Kills every child still running (synchronously: this also runs from the `exit` event). */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  live.clear();
}

export interface SpawnOptions {
  label: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Extra Node flags placed before the script (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
}

/** Starts `node [flags] <args>` with the bench's own Node binary, capturing output. */
export function spawnNode(options: SpawnOptions): ManagedProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.args], {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  let stdoutBuffer = "";
  const lineWaiters = new Set<(line: string) => void>();
  const exitWaiters = new Set<() => void>();
  const append = (text: string): void => {
    tail += text;
    if (tail.length > 2 * OUTPUT_TAIL) tail = tail.slice(-OUTPUT_TAIL);
  };
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    append(chunk);
    // Lines are only split while someone waits for one: a host logging every request
    // must cost the bench as little as possible.
    if (lineWaiters.size === 0) {
      stdoutBuffer = "";
      return;
    }
    stdoutBuffer += chunk;
    let newline = stdoutBuffer.indexOf("\n");
    while (newline >= 0) {
      const line = stdoutBuffer.slice(0, newline);
      stdoutBuffer = stdoutBuffer.slice(newline + 1);
      for (const waiter of [...lineWaiters]) waiter(line);
      newline = stdoutBuffer.indexOf("\n");
    }
    // Hosts that log a lot must not grow this buffer without bound.
    if (stdoutBuffer.length > OUTPUT_TAIL) stdoutBuffer = stdoutBuffer.slice(-OUTPUT_TAIL);
  });
  child.stderr?.on("data", (chunk: string) => append(chunk));
  let exited = false;
  live.add(child);
  child.once("exit", () => {
    exited = true;
    live.delete(child);
    for (const waiter of [...exitWaiters]) waiter();
  });
  if (child.pid === undefined) throw new Error(`${options.label}: could not start ${process.execPath}`);
  const pid = child.pid;

  return {
    label: options.label,
    child,
    pid,
    output: () => tail.slice(-OUTPUT_TAIL),
    get exited() {
      return exited;
    },
    waitForLine: (pattern, timeoutMs) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
          exitWaiters.delete(onExit);
        };
        const onLine = (line: string): void => {
          const match = pattern.exec(line);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const onExit = (): void => {
          cleanup();
          reject(
            new Error(
              `${options.label} exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before printing ${pattern}:\n${tail}`,
            ),
          );
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${options.label} printed no line matching ${pattern} within ${timeoutMs} ms:\n${tail}`));
        }, timeoutMs);
        lineWaiters.add(onLine);
        exitWaiters.add(onExit);
        if (exited) onExit();
      }),
    stop: async (graceMs = 20_000) => {
      if (exited) return;
      const done = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
