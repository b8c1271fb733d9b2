import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { paletteFor } from "../report/colour.js";
import { SCENARIOS } from "../scenarios/registry.js";
import { matrixCommand } from "./command.js";
import { findRepoRoot } from "./repo-root.js";

// `pnpm matrix`: the command itself lives in command.ts, so tests can run it on a directory of their own.
matrixCommand(process.argv.slice(2), {
  root: findRepoRoot(dirname(fileURLToPath(import.meta.url))),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  palette: paletteFor(process.stderr),
  env: process.env,
  registry: SCENARIOS,
  // pnpm runs the script inside conformance/; INIT_CWD is where the user typed the command.
  cwd: process.env.INIT_CWD ?? process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `matrix: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
