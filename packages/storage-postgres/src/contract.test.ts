import { describeStorageAdapterContract } from "@openwop/storage/testing";
import { afterAll, beforeAll } from "vitest";
import { openPostgresAdapter } from "./open-adapter.js";
import { startTestPostgres, type TestPostgres } from "./testing/test-postgres.js";

/**
 * The shared adapter contract over a real Postgres server.
 *
 * The kit wants an empty store for every test and runs its tests one at a time, so one
 * migrated database serves them all: after each test (the kit has closed the adapter by
 * then) every table but `schema_migrations` is truncated. That empties the store exactly
 * like a fresh database would, at a fraction of CREATE/DROP DATABASE's cost.
 */
let pg: TestPostgres;
let url: string;

beforeAll(async () => {
  pg = await startTestPostgres();
  url = await pg.freshDatabase();
  await (await openPostgresAdapter({ connectionString: url })).close();
});

afterAll(async () => {
  await pg?.stop();
});

describeStorageAdapterContract("postgres", async () => ({
  adapter: await openPostgresAdapter({ connectionString: url, applicationName: "contract" }),
  cleanup: () => pg.emptyEveryTable(url),
}));
