import { Command, CommanderError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerDeliveries } from "./commands/deliveries.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerEvents } from "./commands/events.js";
import { registerInterrupts } from "./commands/interrupts.js";
import { registerKeys } from "./commands/keys.js";
import { registerProfile } from "./commands/profile.js";
import { registerRuns } from "./commands/runs.js";
import { registerWebhooks } from "./commands/webhooks.js";
import { withExample } from "./help.js";
import { colourAllowed } from "./output.js";
import { EXIT_OK, EXIT_USAGE, reportFailure } from "./failures.js";
import { outputFor, type CliIo, type GlobalOptions } from "./session.js";

/**
 * The `openwop` command tree. Commander parses it (maintained, with subcommands and generated
 * help); this module configures it once — our streams, our colour rule, errors thrown rather
 * than `process.exit` — and every subcommand inherits that, because each is created with
 * `.command()` from its parent.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command("openwop");
  program
    .description("Talk to an OpenWOP v1 host: readiness, runs, interrupts, keys, webhooks and the event feed.")
    .version(packageJson.version, "-V, --version", "print the version of openwop")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHasColors: () => colourAllowed(io.stdout, io.env),
      getErrHasColors: () => colourAllowed(io.stderr, io.env),
    })
    .exitOverride()
    .showHelpAfterError("(add --help for usage and an example)")
    .option("--base-url <url>", "host origin, e.g. http://127.0.0.1:3838 (else OPENWOP_BASE_URL, else the profile)")
    .option("--api-key <key>", "bearer API key (else OPENWOP_API_KEY, else the profile); never printed")
    .option("--json", "machine-readable JSON on standard output; everything else goes to standard error")
    .addOption(new Option("--profile <name>", "a profile from the profile file (default: the profile named default)"));

  registerDoctor(program, io);
  registerRuns(program, io);
  registerInterrupts(program, io);
  registerKeys(program, io);
  registerWebhooks(program, io);
  registerDeliveries(program, io);
  registerEvents(program, io);
  registerProfile(program, io);

  withExample(
    program,
    "openwop --base-url http://127.0.0.1:3838 --api-key $KEY doctor",
    "openwop runs create conformance-delay --input delayMs=500 --wait",
  );
  return program;
}

/**
 * Runs one invocation and answers its exit code: 0 done, 1 refused or failed, 2 a usage
 * error (commander's own errors included), 130 interrupted by Ctrl-C.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version asked for are success; every other commander error is a usage error,
      // already printed by commander (with the hint to add --help).
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT_OK : EXIT_USAGE;
    }
    return reportFailure(error, outputFor(io, program.opts<GlobalOptions>()));
  }
}
