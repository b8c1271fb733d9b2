#!/usr/bin/env node
import { runHostMain } from "@openwop/server";
import { IMPLEMENTATION, openSqliteStorage, sqlitePathFromEnv } from "./index.js";

await runHostMain({
  implementation: IMPLEMENTATION,
  defaultPort: 3838,
  openAdapter: (env) => openSqliteStorage(sqlitePathFromEnv(env)),
});
