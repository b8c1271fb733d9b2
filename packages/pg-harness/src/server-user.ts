import { execFileSync, spawn, spawnSync } from "node:child_process";

/**
 * Who runs `initdb` and `pg_ctl`. Postgres refuses to start as root, so under root
 * (containers, CI images) the server runs as the `postgres` system user through
 * `runuser`; everywhere else it runs as the current user.
 */
export interface ServerUser {
  /** The system user to switch to, or null to run as the current user. */
  name: string | null;
  uid: number;
  gid: number;
}

const POSTGRES_SYSTEM_USER = "postgres";

export function resolveServerUser(): ServerUser {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  if (uid !== 0) return { name: null, uid, gid };
  try {
    const id = (flag: string): number =>
      Number(execFileSync("id", [flag, POSTGRES_SYSTEM_USER], { encoding: "utf8" }).trim());
    return { name: POSTGRES_SYSTEM_USER, uid: id("-u"), gid: id("-g") };
  } catch (error) {
    throw new Error(
      `running as root, and Postgres refuses to run as root, but there is no "${POSTGRES_SYSTEM_USER}" system user ` +
        "to run it as (installing the postgresql package creates one)",
      { cause: error },
    );
  }
}

function commandLine(user: ServerUser, file: string, args: readonly string[]): [string, string[]] {
  return user.name === null ? [file, [...args]] : ["runuser", ["-u", user.name, "--", file, ...args]];
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero; its output is kept because Postgres explains itself there. */
export class CommandFailedError extends Error {
  override readonly name = "CommandFailedError";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: CommandResult,
  ) {
    super(`${command} failed (exit ${exitCode ?? "signal"}): ${(output.stderr || output.stdout).trim()}`);
  }
}

export interface RunOptions {
  /** Run as the server user (initdb, pg_ctl) rather than as ourselves (client tools). */
  asServerUser?: ServerUser;
  cwd?: string;
}

/** Runs a command to completion and resolves with its output; rejects on a non-zero exit. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const [command, argv] = options.asServerUser ? commandLine(options.asServerUser, file, args) : [file, [...args]];
  return new Promise((resolve, reject) => {
    // `pg_ctl start` is always given a log file (-l), so the daemon it leaves running
    // does not inherit these pipes and "close" fires when pg_ctl itself is done.
    const child = spawn(command, argv, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandFailedError([file, ...args].join(" "), code, { stdout, stderr }));
    });
  });
}

/** The synchronous twin of {@link runCommand}, for `process.on("exit")` where nothing async runs. */
export function runCommandSync(file: string, args: readonly string[], options: RunOptions = {}): boolean {
  const [command, argv] = options.asServerUser ? commandLine(options.asServerUser, file, args) : [file, [...args]];
  const result = spawnSync(command, argv, { cwd: options.cwd, stdio: "ignore", timeout: 30_000 });
  return result.status === 0;
}
