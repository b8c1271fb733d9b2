import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { bearer, request, type HttpResult } from "@openwop/server/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPLEMENTATION, startPostgresHost } from "./index.js";

const KEY = "hk_test_outage";

describe("postgres host: every connection terminated under load", () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let host: Awaited<ReturnType<typeof startPostgresHost>>;

  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase("openwop_outage");
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    host = await startPostgresHost({ connectionString: url, apiKey: KEY });
  });

  afterAll(async () => {
    await host?.close();
    await admin?.end();
    await server?.stop();
  });

  const terminateHostConnections = async (): Promise<number> => {
    const result = await admin.query(
      "select count(pg_terminate_backend(pid)) as n from pg_stat_activity where application_name like $1 and pid <> pg_backend_pid()",
      [`${IMPLEMENTATION.name}%`],
    );
    return Number(result.rows[0].n);
  };

  const createRun = (i: number): Promise<HttpResult> =>
    request(host.url, "/v1/runs", {
      method: "POST",
      headers: bearer(KEY),
      body: {
        workflowId: i % 2 === 0 ? "conformance-noop" : "conformance-delay",
        inputs: i % 2 === 0 ? {} : { delayMs: 300 },
      },
    });

  it("answers 201 or a 503 envelope, recovers by itself, and loses no acknowledged run", async () => {
    await createRun(0);
    const requests: Array<Promise<HttpResult>> = [];
    let terminated = 0;
    for (let wave = 0; wave < 4; wave += 1) {
      for (let i = 0; i < 15; i += 1) requests.push(createRun(wave * 15 + i));
      terminated += await terminateHostConnections();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const results = await Promise.all(requests);
    expect(terminated).toBeGreaterThan(0);
    for (const result of results) {
      expect([201, 503], result.text).toContain(result.status);
      if (result.status === 503) {
        expect(result.json).toMatchObject({
          error: "service_unavailable",
          details: { retryAfter: expect.any(Number) },
        });
        expect(result.headers.get("retry-after")).toBe(
          String((result.json as { details: { retryAfter: number } }).details.retryAfter),
        );
      }
    }
    const acknowledged = results.filter((r) => r.status === 201).map((r) => (r.json as { runId: string }).runId);
    expect(acknowledged.length).toBeGreaterThan(0);

    const deadline = Date.now() + 30_000;
    const pending = new Set(acknowledged);
    while (pending.size > 0 && Date.now() < deadline) {
      for (const runId of [...pending]) {
        const snapshot = await request(host.url, `/v1/runs/${runId}`, { headers: bearer(KEY) });
        if (snapshot.status === 200 && (snapshot.json as { status: string }).status === "completed")
          pending.delete(runId);
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect([...pending]).toEqual([]);

    const after = await createRun(1);
    expect(after.status, after.text).toBe(201);
  });
});
