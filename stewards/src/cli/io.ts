/** Where a command writes, and where it runs: the real process, or a test's buffers. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Bad arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes every command shares. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
