#!/usr/bin/env node
import { runHostMain } from "@openwop/server";
import { DEFAULT_SQLITE_PATH, IMPLEMENTATION, openSqliteStorage } from "./index.js";

await runHostMain({
  implementation: IMPLEMENTATION,
  defaultPort: 3838,
  openAdapter: (env) => openSqliteStorage(env["OPENWOP_SQLITE_PATH"] || DEFAULT_SQLITE_PATH),
});
