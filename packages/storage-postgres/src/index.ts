export { openPostgresAdapter, type PostgresAdapterOptions } from "./open-adapter.js";
export { PostgresStorageAdapter } from "./postgres-adapter.js";
export { SchemaMismatchError, SchemaTooNewError } from "./errors.js";
export { loadMigrations, type Migration } from "./migrations.js";
