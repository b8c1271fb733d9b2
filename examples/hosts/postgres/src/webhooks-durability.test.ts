import { fileURLToPath } from "node:url";
import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { describeWebhookDurability, spawnHostProcess, webhookDurabilityEnv } from "@openwop/server/testing";
import { afterAll, beforeAll } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_webhooks_postgres";
let server: PostgresServer;
let databaseUrl: string;

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = await server.createDatabase("openwop_webhook_durability");
});

afterAll(async () => {
  await server?.stop();
});

// Two processes share the database: a peer already running takes the killed one's deliveries.
describeWebhookDurability("postgres host", {
  apiKey: API_KEY,
  mode: "takeover",
  spawn: () => spawnHostProcess(ENTRY, { ...webhookDurabilityEnv(API_KEY), DATABASE_URL: databaseUrl }),
});
