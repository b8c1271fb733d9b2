import { createClient, type OpenWopClient } from "@openwop/client";
import type { Command } from "commander";
import { resolveConnection, type Connection } from "./config.js";
import { UsageError } from "./failures.js";
import { Output, type Sink } from "./output.js";

/**
 * What one invocation runs with: the environment, the two streams and a signal that Ctrl-C
 * aborts. The binary passes the process's; tests and embedders pass their own.
 */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Sink;
  readonly stderr: Sink;
  /** Aborted on SIGINT: long-running commands stop cleanly. */
  readonly signal: AbortSignal;
}

/** The options every command accepts, declared once on the program. */
export interface GlobalOptions {
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly json?: boolean;
  readonly profile?: string;
}

/** A command's view of its invocation: how to print, and (on demand) a client. */
export interface Session {
  readonly io: CliIo;
  readonly out: Output;
  readonly globals: GlobalOptions;
  /** A client for the resolved host; with `keyRequired` (the default) a missing key is a usage error. */
  client(options?: { readonly keyRequired?: boolean }): Promise<OpenWopClient>;
  /** The resolved connection (flags, then environment, then profile). */
  connection(): Promise<Connection>;
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function outputFor(io: CliIo, globals: GlobalOptions): Output {
  return new Output({ json: globals.json === true, stdout: io.stdout, stderr: io.stderr, env: io.env });
}

const SETUP_HINT =
  "pass --base-url and --api-key, set OPENWOP_BASE_URL and OPENWOP_API_KEY, or save a profile: openwop profile set default --base-url URL --api-key KEY";

export function sessionFor(io: CliIo, command: Command): Session {
  const globals = globalsOf(command);
  const out = outputFor(io, globals);
  let resolved: Promise<Connection> | undefined;
  const connection = () => {
    resolved ??= resolveConnection(globals, io.env);
    return resolved;
  };
  return {
    io,
    out,
    globals,
    connection,
    async client(options = {}) {
      const { baseUrl, apiKey } = await connection();
      if (baseUrl === undefined) throw new UsageError(`no host to talk to: ${SETUP_HINT}`);
      if (!/^https?:\/\//i.test(baseUrl)) {
        throw new UsageError(`the base URL must start with http:// or https:// (got ${JSON.stringify(baseUrl)})`);
      }
      if (apiKey === undefined && options.keyRequired !== false) throw new UsageError(`no API key: ${SETUP_HINT}`);
      return createClient({ baseUrl, ...(apiKey === undefined ? {} : { apiKey }) });
    },
  };
}
