#!/usr/bin/env node
import { createMemoryAdapter } from "@openwop/storage-memory";
import { runHostMain } from "@openwop/server";
import { IMPLEMENTATION } from "./index.js";

await runHostMain({
  implementation: IMPLEMENTATION,
  defaultPort: 3737,
  openAdapter: async () => createMemoryAdapter(),
});
