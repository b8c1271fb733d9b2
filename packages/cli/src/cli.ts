#!/usr/bin/env node
import { runCli } from "./program.js";

// The first Ctrl-C asks long-running commands (watch, tail, list --all) to stop cleanly; a
// second one ends the process the default way.
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
});
// Exit once what was written has been handed over, whatever sockets a keep-alive left open.
process.stdout.write("", () => process.exit(code));
