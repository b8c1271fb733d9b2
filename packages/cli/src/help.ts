import type { Command } from "commander";

/**
 * Adds an "Example" section to a command's `--help`. Every command has at least one; a test
 * walks the command tree to make sure.
 */
export function withExample(command: Command, ...examples: [string, ...string[]]): Command {
  const heading = examples.length > 1 ? "Examples" : "Example";
  return command.addHelpText("after", `\n${heading}:\n${examples.map((example) => `  $ ${example}`).join("\n")}\n`);
}
