import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Runs a TypeScript module of this package in a separate Node process (the Node running
 * the tests, so the same major) the way vitest loads it: with the `@openwop/source` export
 * condition, so workspace packages resolve to their sources and never to a stale dist/,
 * and with Node's own type stripping.
 */
const RESOLVE_HOOK = fileURLToPath(new URL("./resolve-ts.mjs", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));

export interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line equal to `line`. */
  waitForLine(line: string): Promise<void>;
  /** Resolves with everything printed once the process exits 0; rejects otherwise. */
  finished: Promise<string[]>;
}

export function spawnTypeScriptWorker(modulePath: string, args: string[]): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@openwop/source",
      "--experimental-transform-types",
      "--no-warnings",
      "--import",
      RESOLVE_HOOK,
      fileURLToPath(new URL(modulePath, import.meta.url)),
      ...args,
    ],
    { cwd: PACKAGE_DIR, stdio: ["pipe", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  const lineWaiters: Array<{ line: string; resolve: () => void }> = [];
  let buffered = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of lineWaiters.filter((candidate) => candidate.line === line)) waiter.resolve();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const finished = new Promise<string[]>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(lines);
      else reject(new Error(`worker ${modulePath} exited with ${code}: ${stderr.trim()}`));
    });
  });
  return {
    child,
    finished,
    waitForLine(line) {
      if (lines.includes(line)) return Promise.resolve();
      // Fail fast instead of hanging when the worker dies before printing the line.
      return Promise.race([
        new Promise<void>((resolve) => lineWaiters.push({ line, resolve })),
        finished.then(() => {
          throw new Error(`worker ${modulePath} exited without printing "${line}"`);
        }),
      ]);
    },
  };
}
