import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeWebhookDurability, spawnHostProcess, webhookDurabilityEnv } from "@openwop/server/testing";
import { afterAll, beforeAll } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_webhooks_sqlite";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-webhooks-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// One process at a time on one file: the killed host is restarted on the same database.
describeWebhookDurability("sqlite host", {
  apiKey: API_KEY,
  mode: "restart",
  spawn: () =>
    spawnHostProcess(ENTRY, { ...webhookDurabilityEnv(API_KEY), OPENWOP_SQLITE_PATH: join(dir, "openwop.db") }),
});
