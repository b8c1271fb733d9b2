import { GitError } from "../trees.js";
import { type CliIo, EXIT, UsageError } from "./io.js";
import { RFC_INDEX_USAGE, rfcIndexCommand } from "./rfc-index-command.js";
import { SPEC_IMPACT_USAGE, specImpactCommand } from "./spec-impact-command.js";

type Command = (argv: readonly string[], io: CliIo) => number;

const COMMANDS: Record<string, { readonly run: Command; readonly usage: string }> = {
  "spec-impact": { run: specImpactCommand, usage: SPEC_IMPACT_USAGE },
  "rfc-index": { run: rfcIndexCommand, usage: RFC_INDEX_USAGE },
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
export function runCli(argv: readonly string[], io: CliIo): number {
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
    return command.run(rest, io);
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
