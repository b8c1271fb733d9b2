import { LocalClientError, WireError } from "@openwop/client";
import type { Output } from "./output.js";

/**
 * How a command ends: 0 done, 1 refused or failed, 2 used wrongly. Every failure the CLI
 * raises is one of the two classes here or an error of the client, and {@link reportFailure}
 * turns any of them into its exit code and what the user reads.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C before it was done, as shells count a SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** The command line itself is wrong (a bad value, a missing setting): exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command ran and did not succeed (a run that failed, a partial bulk cancel): exit 1. */
export class CommandFailed extends Error {
  override readonly name = "CommandFailed";
  /** Printed with `--json` instead of an envelope, when the command has a result to show. */
  readonly result: unknown;
  constructor(message: string, result?: unknown) {
    super(message);
    this.result = result;
  }
}

/** Ctrl-C stopped a long-running command before it was done: exit 130. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

/**
 * Prints a failure — the host's canonical error envelope `{error, message, details?}` when
 * there is one — and answers the exit code. With `--json` the envelope (or a local one,
 * `{error: "client_error", message}`) is also the JSON on standard output.
 */
export function reportFailure(error: unknown, out: Output): number {
  if (error instanceof UsageError) {
    out.note(`${out.paintErr("red", "error:")} ${error.message}`);
    return EXIT_USAGE;
  }
  if (error instanceof Interrupted) {
    out.note(error.message);
    return EXIT_INTERRUPTED;
  }
  if (error instanceof CommandFailed) {
    out.note(`${out.paintErr("red", "failed:")} ${error.message}`);
    if (out.json && error.result !== undefined) out.printJson(error.result);
    return EXIT_FAILED;
  }
  if (error instanceof WireError) {
    const envelope = error.envelope;
    if (envelope) {
      out.note(`${out.paintErr("red", `error ${error.status}:`)} ${envelope.error}: ${envelope.message}`);
      if (envelope.details !== undefined) out.note(`  details: ${JSON.stringify(envelope.details)}`);
      if (out.json) out.printJson(envelope);
    } else {
      out.note(`${out.paintErr("red", `error ${error.status}:`)} ${error.message}`);
      if (out.json) out.printJson({ error: "unreadable_response", message: error.message });
    }
    return EXIT_FAILED;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    error instanceof LocalClientError || error instanceof TypeError
      ? " (is the host running, and is --base-url its origin?)"
      : "";
  out.note(`${out.paintErr("red", "error:")} ${message}${hint}`);
  if (out.json) out.printJson({ error: "client_error", message });
  return EXIT_FAILED;
}
