import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import type { RunningHost } from "@openwop/server";
import { RunProbe, bearer, expectExpired, expectSweepUnderLoad, request } from "@openwop/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startPostgresHost, type PostgresHostOptions } from "./index.js";

/*
 * Retention on the Postgres host over real sockets: a 10 000-run sweep under live load, and the
 * force-expire seam's 410 answers. One server for the file, one fresh database per test.
 */

const KEY = "hk_test_retention_postgres";

let server: PostgresServer;
let databases = 0;
const hosts: RunningHost[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

afterAll(async () => {
  await server?.stop();
});

async function startHost(options: Omit<PostgresHostOptions, "connectionString"> = {}): Promise<RunningHost> {
  databases += 1;
  const connectionString = await server.createDatabase(`openwop_retention_${databases}`);
  const host = await startPostgresHost({ connectionString, port: 0, apiKey: KEY, ...options });
  hosts.push(host);
  return host;
}

describe("retention on the postgres host", () => {
  it("sweeps 10 000 expired runs while new runs keep completing, and removes no live run", async () => {
    // The test drives the sweep itself (sweepOnce), so the timer must not get there first.
    const host = await startHost({ retentionSweepIntervalMs: 3_600_000 });
    // The pool has ten connections: eight writers keep it busy without queueing on it.
    await expectSweepUnderLoad(host, { apiKey: KEY, storageWidth: 8 });
  }, 120_000);

  it("force-expires through the seam; the run-scoped endpoints then answer 410, and an unfinished run is refused", async () => {
    const host = await startHost({ testForceExpire: true });
    const probe = new RunProbe(() => host.url, KEY);
    const waiting = await probe.create("conformance-approval");
    const finished = await probe.create("conformance-noop");
    await probe.waitFor(waiting, ["waiting-approval"], 10_000);
    await probe.waitFor(finished, ["completed"], 10_000);

    const refused = await request(host.url, `/v1/host/test/expire/${waiting}`, {
      method: "POST",
      headers: bearer(KEY),
      body: {},
    });
    expect(refused.status, refused.text).toBe(409);
    expect((refused.json as { error: string }).error).toBe("run_not_terminal");

    const seam = await request(host.url, `/v1/host/test/expire/${finished}`, {
      method: "POST",
      headers: bearer(KEY),
      body: {},
    });
    expect(seam.status, seam.text).toBe(200);
    const { expiredAt } = seam.json as { expiredAt: string };
    expect(seam.json).toEqual({ runId: finished, expiredAt });
    expect(await host.engine.store.getTombstone(finished)).toEqual({ runId: finished, tenantId: "default", expiredAt });

    const read = { headers: bearer(KEY) };
    expectExpired(await request(host.url, `/v1/runs/${finished}`, read), expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${finished}/events/poll?lastSequence=0&timeout=30`, read),
      expiredAt,
    );
    expectExpired(
      await request(host.url, `/v1/runs/${finished}/events`, {
        headers: { ...bearer(KEY), accept: "text/event-stream" },
      }),
      expiredAt,
    );
    expectExpired(await request(host.url, `/v1/runs/${finished}/debug-bundle`, read), expiredAt);
    expectExpired(
      await request(host.url, `/v1/runs/${finished}/cancel`, { method: "POST", headers: bearer(KEY), body: {} }),
      expiredAt,
    );
    expectExpired(
      await request(host.url, `/v1/runs/${finished}/interrupts/gate`, {
        method: "POST",
        headers: bearer(KEY),
        body: { resumeValue: { action: "accept" } },
      }),
      expiredAt,
    );
    expect(await probe.status(waiting)).toBe("waiting-approval");
  });
});
