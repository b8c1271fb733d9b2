import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { RunProbe, bearer, request } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgresHost } from "./index.js";

const KEY = "hk_test_degraded";

describe("postgres host: the database stopped, then started again", () => {
  let server: PostgresServer;
  let host: Awaited<ReturnType<typeof startPostgresHost>>;

  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase("openwop_degraded");
    host = await startPostgresHost({
      connectionString: url,
      apiKey: KEY,
      claimTtlMs: 3_000,
      heartbeatIntervalMs: 1_000,
      retryAfterSeconds: 2,
    });
  });

  afterAll(async () => {
    await host?.close();
    await server?.stop();
  });

  it("reports degraded and answers work with the 503 envelope while storage is down, then is ready again by itself and loses nothing", async () => {
    const probe = new RunProbe(() => host.url, KEY);
    const before = await probe.create("conformance-delay", { delayMs: 2_000 });
    await probe.waitFor(before, ["running"], 10_000);
    expect((await request(host.url, "/readyz")).status).toBe(200);

    await server.stopServer();

    const ready = await request(host.url, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({
      error: "service_unavailable",
      details: { retryAfter: 2, checks: { storage: "failing" } },
    });
    expect(ready.headers.get("retry-after")).toBe("2");
    expect((await request(host.url, "/healthz")).status).toBe(200);
    expect((await request(host.url, "/.well-known/openwop")).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", "/v1/runs", { workflowId: "conformance-noop" }],
      ["GET", `/v1/runs/${before}`, undefined],
      ["GET", `/v1/runs/${before}/events/poll?lastSequence=0&timeout=1`, undefined],
    ] as const) {
      const answer = await request(host.url, path, { method, headers: bearer(KEY), ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(503);
      expect(answer.json).toMatchObject({ error: "service_unavailable", details: { retryAfter: 2 } });
      expect(answer.headers.get("retry-after")).toBe("2");
    }

    // Stay down past the delay's end and the claim TTL: the step that finishes the delay
    // cannot commit and the claim lapses, so recovery has to reclaim and resume the run.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await request(host.url, "/readyz")).status).toBe(503);
    await server.startServer();

    await expect
      .poll(async () => (await request(host.url, "/readyz")).status, { timeout: 30_000, interval: 250 })
      .toBe(200);
    // The run that was executing when storage went away finishes, with an intact log.
    expect(await probe.waitFor(before, ["completed"], 30_000)).toBe("completed");
    await probe.expectIntactLog(before);
    const after = await probe.create("conformance-noop");
    expect(await probe.waitFor(after, ["completed"], 15_000)).toBe("completed");
  }, 90_000);
});
