export { openPostgresAdapter, type PostgresAdapterOptions } from "./open-adapter.js";
export { PostgresStorageAdapter } from "./postgres-adapter.js";
export { SchemaMismatchError } from "./errors.js";
/** Re-exported so `import { SchemaTooNewError } from "@openwop/storage-postgres"` is the SPI's one class. */
export { SchemaTooNewError } from "@openwop/storage";
export { loadMigrations, type Migration } from "./migrations.js";
