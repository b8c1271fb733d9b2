import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

const OUTPUT_TAIL = 32 * 1024;

/** One host process; the soak kills it with SIGKILL, the way a crash or the OOM killer would. */
export interface HostProcess {
  readonly label: string;
  readonly pid: number;
  readonly url: string;
  readonly exited: boolean;
  /** The last 32 KiB it printed, for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Children still alive, so an interrupted soak never leaves a host behind. */
const live = new Set<ChildProcess>();

/** Kills every child still running; synchronous, because it also runs from the `exit` event. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  live.clear();
}

/**
 * Starts `node <entry>` with `env` and resolves once it prints the URL it listens on
 * (every host started by `runHostMain` prints "listening on http://…").
 */
export async function spawnHost(label: string, entry: string, env: Record<string, string>): Promise<HostProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${label}: could not start ${process.execPath}`);
  const pid = child.pid;
  live.add(child);
  let tail = "";
  let exited = false;
  const append = (chunk: Buffer): void => {
    tail += chunk.toString();
    if (tail.length > 2 * OUTPUT_TAIL) tail = tail.slice(-OUTPUT_TAIL);
  };
  child.once("exit", () => {
    exited = true;
    live.delete(child);
  });
  child.stderr?.on("data", append);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} did not listen within 30 s:\n${tail}`));
    }, 30_000);
    let seen = "";
    const onData = (chunk: Buffer): void => {
      append(chunk);
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.on("data", append);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${String(code ?? signal)}) before listening:\n${tail}`));
    });
  });
  return {
    label,
    pid,
    url,
    get exited() {
      return exited;
    },
    output: () => tail.slice(-OUTPUT_TAIL),
    kill: async (signal = "SIGKILL") => {
      if (exited) return;
      const done = once(child, "exit");
      child.kill(signal);
      await done;
    },
  };
}
