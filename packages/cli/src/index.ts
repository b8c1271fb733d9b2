/**
 * `@openwop/cli` as a library: run the `openwop` command line in-process with your own
 * streams and environment, e.g. to embed it in another tool.
 */
export { buildProgram, runCli } from "./program.js";
export type { CliIo, GlobalOptions } from "./session.js";
export type { Sink } from "./output.js";
export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from "./failures.js";
export { profileFilePath, resolveConnection, type Connection, type Profile, type ProfileFile } from "./config.js";
