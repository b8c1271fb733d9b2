import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** A host running as its own OS process, so tests can SIGKILL it like a crash would. */
export interface HostProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, both streams interleaved, for failure messages. */
  output(): string;
  /** What it printed on standard output only. */
  stdout(): string;
  /** What it printed on standard error only. */
  stderr(): string;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node <entry>` with `env` (on an ephemeral port unless PORT is given) and resolves
 * once it prints the URL it listens on.
 */
export async function spawnHostProcess(
  entry: string,
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<HostProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      stderr += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${String(code)} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill(signal);
      await exited;
    },
  };
}
