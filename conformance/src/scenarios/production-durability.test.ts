import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchHost, type LaunchedHost } from "../host-manifest/launch.js";
import { loadHostManifest, type LoadedHostManifest } from "../host-manifest/manifest.js";
import { startPostgresService, type PostgresService } from "../matrix/postgres-service.js";
import { runSuite } from "../runner/run-suite.js";
import type { ScenarioRun } from "../runner/scenario.js";

/**
 * The process-level durability scenarios against the real SQLite and Postgres hosts: two
 * host processes on one SQLite file or one Postgres database, one of them killed. The
 * matrix runs them too; here they run on their own, so a regression names its scenario.
 */

const manifestOf = (name: string) =>
  fileURLToPath(new URL(`../../../examples/hosts/${name}/openwop-host.json`, import.meta.url));

async function runDurability(
  loaded: LoadedHostManifest,
  host: LaunchedHost,
  env: Record<string, string>,
  filter: string,
): Promise<ScenarioRun> {
  const suite = await runSuite({
    baseUrl: host.baseUrl,
    apiKey: host.keys.apiKey,
    hostManifest: loaded,
    timeoutScale: 1,
    requireBehavior: true,
    optOutProfiles: [],
    filter,
    env,
  });
  const [run] = suite.runs.filter((entry) => entry.scenario.id === filter);
  if (run === undefined) throw new Error(`${filter} did not run`);
  return run;
}

describe.each([
  { name: "sqlite", postgres: false },
  { name: "postgres", postgres: true },
])("production durability scenarios on the $name host", ({ name, postgres }) => {
  let loaded: LoadedHostManifest;
  let host: LaunchedHost | undefined;
  let service: PostgresService | undefined;
  const env: Record<string, string> = {};

  let savedLogLevel: string | undefined;

  beforeAll(async () => {
    // The scenarios read each process's run.terminal record (P6), an `info` line; the test
    // setup quiets hosts to `warn`, and launched hosts inherit this process's environment.
    savedLogLevel = process.env.OPENWOP_LOG_LEVEL;
    process.env.OPENWOP_LOG_LEVEL = "info";
    loaded = await loadHostManifest(manifestOf(name));
    if (postgres) {
      service = await startPostgresService();
      env.DATABASE_URL = service.scenarioUrl;
    }
    host = await launchHost(loaded, service === undefined ? {} : { databaseUrl: service.hostUrl });
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await service?.stop();
    if (savedLogLevel === undefined) delete process.env.OPENWOP_LOG_LEVEL;
    else process.env.OPENWOP_LOG_LEVEL = savedLogLevel;
  });

  it("stale-claim: a live peer takes the run over only after the dead holder's lease", async () => {
    if (host === undefined) throw new Error("host not started");
    const run = await runDurability(loaded, host, env, "stale-claim");
    expect(run.outcome, run.message).toBe("pass");
    expect(run.message).toMatch(/the live peer completed the run \d+ ms after the holder was killed/);
    expect(run.assertions).toBeGreaterThanOrEqual(10);
  }, 150_000);
});
