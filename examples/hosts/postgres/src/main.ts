#!/usr/bin/env node
import { HostConfigError, runHostMain } from "@openwop/server";
import { openPostgresAdapter } from "@openwop/storage-postgres";
import { IMPLEMENTATION } from "./index.js";

await runHostMain({
  implementation: IMPLEMENTATION,
  defaultPort: 3839,
  openAdapter: async (env) => {
    const connectionString = env["DATABASE_URL"];
    if (!connectionString)
      throw new HostConfigError("DATABASE_URL is required (e.g. postgres://user@127.0.0.1:5432/openwop)");
    return openPostgresAdapter({ connectionString, applicationName: IMPLEMENTATION.name });
  },
});
