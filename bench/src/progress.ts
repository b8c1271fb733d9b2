/**
 * Progress for people, on stderr: plain counted lines (no spinners), coloured only on a
 * terminal that wants colour. `NO_COLOR` (present and non-empty) and `TERM=dumb` turn
 * colour off; `FORCE_COLOR` (non-empty, not `0`) turns it on even without a terminal.
 */

export interface ColourEnvironment {
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

export function wantsColour({ env, isTTY }: ColourEnvironment): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "" && force !== "0") return true;
  if (env["TERM"] === "dumb") return false;
  return isTTY;
}

export interface Progress {
  /** A section heading, e.g. one workload on one host. */
  section(title: string): void;
  /** One line of progress inside the current section. */
  step(message: string): void;
  /** Something worth noticing that is not fatal. */
  warn(message: string): void;
  /** Throttled "done of total" counter for long loops. */
  counter(label: string, total: number): (done: number) => void;
}

export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  env: Record<string, string | undefined>,
  quiet = false,
): Progress {
  const colour = wantsColour({ env, isTTY: stream.isTTY === true });
  const paint = (code: string, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const started = Date.now();
  const clock = (): string => paint("2", `[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`);
  const write = (line: string): void => {
    if (!quiet) stream.write(`${line}\n`);
  };
  return {
    section: (title) => write(`${clock()} ${paint("1;36", `== ${title}`)}`),
    step: (message) => write(`${clock()}    ${message}`),
    warn: (message) => write(`${clock()}    ${paint("33", `warning: ${message}`)}`),
    counter: (label, total) => {
      let lastShown = 0;
      return (done) => {
        const now = Date.now();
        if (done < total && now - lastShown < 2_000) return;
        lastShown = now;
        write(`${clock()}    ${label}: ${done}/${total}`);
      };
    },
  };
}
