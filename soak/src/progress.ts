/**
 * Progress for people, on stderr: one plain line per step, coloured only on a terminal that
 * wants colour. `NO_COLOR` (present and non-empty) and `TERM=dumb` turn colour off;
 * `FORCE_COLOR` (non-empty, not `0`) turns it on without a terminal.
 */

export function wantsColour(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "" && force !== "0") return true;
  if (env["TERM"] === "dumb") return false;
  return isTTY;
}

export interface Progress {
  section(title: string): void;
  step(message: string): void;
  /** Something wrong: a broken invariant or a host that would not come back. */
  fail(message: string): void;
}

export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  env: Record<string, string | undefined>,
  quiet = false,
): Progress {
  const colour = wantsColour(env, stream.isTTY === true);
  const paint = (code: string, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const started = Date.now();
  const clock = (): string => paint("2", `[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`);
  const write = (line: string): void => {
    if (!quiet) stream.write(`${line}\n`);
  };
  return {
    section: (title) => write(`${clock()} ${paint("1;36", `== ${title}`)}`),
    step: (message) => write(`${clock()}    ${message}`),
    fail: (message) => write(`${clock()}    ${paint("31", `VIOLATION: ${message}`)}`),
  };
}

/** Progress that goes nowhere, for tests. */
export const SILENT: Progress = { section: () => {}, step: () => {}, fail: () => {} };
