export { openSqliteAdapter, type SqliteAdapterOptions } from "./sqlite-adapter.js";
export { SqliteSchemaTooNewError } from "./errors.js";
