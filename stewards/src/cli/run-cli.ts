import { GitError } from "../trees.js";
import { type CliIo, EXIT, UsageError } from "./io.js";
import { RFC_CHECK_USAGE, RFC_INDEX_USAGE, SPEC_IMPACT_USAGE } from "./usage.js";

type Command = (argv: readonly string[], io: CliIo) => number;

// Each command is loaded when it runs: the RFC index needs nothing of the conformance
// suite, so it keeps working (and its drift test keeps running) while the suite is broken.
const COMMANDS: Record<string, { readonly load: () => Promise<Command>; readonly usage: string }> = {
  "spec-impact": {
    load: async () => (await import("./spec-impact-command.js")).specImpactCommand,
    usage: SPEC_IMPACT_USAGE,
  },
  "rfc-index": { load: async () => (await import("./rfc-index-command.js")).rfcIndexCommand, usage: RFC_INDEX_USAGE },
  "rfc-check": { load: async () => (await import("./rfc-check-command.js")).rfcCheckCommand, usage: RFC_CHECK_USAGE },
};

const usage = () =>
  [
    "openwop-stewards <command> [options]",
    "",
    ...Object.values(COMMANDS).flatMap((command) => [command.usage, ""]),
  ].join("\n");

/**
 * Runs one command and returns its exit code: 0 when it found nothing wrong, 1 when it
 * found problems (they are printed), 2 for bad arguments or a repository it cannot read.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    io.stdout(`${usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`openwop-stewards: unknown command ${name}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return (await command.load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`openwop-stewards ${name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof GitError) {
      io.stderr(`openwop-stewards ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
