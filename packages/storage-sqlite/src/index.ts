export { openSqliteAdapter, type SqliteAdapterOptions } from "./sqlite-adapter.js";
/** Re-exported so `import { SchemaTooNewError } from "@openwop/storage-sqlite"` is the SPI's one class. */
export { SchemaTooNewError } from "@openwop/storage";
