export { startPostgres, withPostgres, type PostgresServer, type StartPostgresOptions } from "./start-postgres.js";
export { stopAllPostgresSync } from "./exit-cleanup.js";
export { findPostgresBinaries, PostgresNotInstalledError, type PostgresBinaries } from "./binaries.js";
