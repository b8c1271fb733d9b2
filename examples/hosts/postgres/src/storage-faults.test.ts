import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { openPostgresAdapter } from "@openwop/storage-postgres";
import {
  RunProbe,
  bearer,
  collectUntilClosed,
  expectErrorEnvelope,
  openSse,
  request,
  spawnHostProcess,
  type HostProcess,
  type HttpResult,
} from "@openwop/server/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPLEMENTATION } from "./index.js";

/**
 * Storage faults under a real host process and a real Postgres server, no mocks. What the
 * neighbouring files already prove, and what this one adds:
 *
 * - `outage.test.ts` terminates every host connection (in-process host) between waves of
 *   creates, and checks 201-or-503 answers and that acknowledged runs complete.
 * - `degraded.test.ts` stops the server under one executing run, checks `/readyz`, the 503
 *   envelope on reads and writes, and that this one run completes with an intact log.
 * - Here, against a spawned host (so "no crash" is the process still running): backends
 *   terminated while many multi-step runs are mid-step, and the server restarted while
 *   creates keep arriving and runs execute. Every refused create is retried with its
 *   Idempotency-Key until acknowledged, and then the database holds exactly one run per key,
 *   each completed with a log numbered 0…last_sequence without a hole; SSE clients that
 *   followed runs across the fault received every event once, in order (the listening
 *   connection is terminated too, so this needs its reconnect and back-fill).
 */

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const KEY = "hk_test_storage_faults_postgres";
const RETRY_AFTER_SECONDS = 1;

const noop = (id: string) => ({ id, typeId: "core.noop", name: id, position: { x: 0, y: 0 }, config: {}, inputs: {} });
const delay = (id: string, delayMs: number) => ({ ...noop(id), typeId: "core.delay", config: { delayMs } });

/** Five nodes with two short waits: each run commits several steps, some of them into the fault. */
const CHAIN = {
  id: "faults-chain",
  name: "Storage faults: chain",
  version: "1.0.0",
  nodes: [noop("a"), delay("w1", 150), noop("b"), delay("w2", 150), noop("c")],
  edges: [
    { id: "a-w1", sourceNodeId: "a", targetNodeId: "w1" },
    { id: "w1-b", sourceNodeId: "w1", targetNodeId: "b" },
    { id: "b-w2", sourceNodeId: "b", targetNodeId: "w2" },
    { id: "w2-c", sourceNodeId: "w2", targetNodeId: "c" },
  ],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [],
  metadata: {},
  settings: {},
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends creates with an Idempotency-Key each, and remembers every answer by key. */
class Load {
  readonly answers = new Map<string, HttpResult[]>();
  #next = 0;
  constructor(
    private readonly url: () => string,
    private readonly prefix: string,
  ) {}

  async create(key = `${this.prefix}-${this.#next++}`): Promise<HttpResult> {
    const answer = await request(this.url(), "/v1/runs", {
      method: "POST",
      headers: { ...bearer(KEY), "idempotency-key": key },
      body: { workflowId: CHAIN.id, inputs: { key } },
    });
    this.answers.set(key, [...(this.answers.get(key) ?? []), answer]);
    return answer;
  }

  wave(size: number): Promise<HttpResult[]> {
    return Promise.all(Array.from({ length: size }, () => this.create()));
  }

  /** Keys whose last answer is not a 201. */
  unanswered(): string[] {
    return [...this.answers].filter(([, answers]) => answers.at(-1)?.status !== 201).map(([key]) => key);
  }

  /** The run id each key was finally acknowledged with. */
  acknowledged(): Map<string, string> {
    const runs = new Map<string, string>();
    for (const [key, answers] of this.answers) {
      const last = answers.at(-1);
      if (last?.status === 201) runs.set(key, (last.json as { runId: string }).runId);
    }
    return runs;
  }

  /** Every answer ever given, retries included. */
  all(): HttpResult[] {
    return [...this.answers.values()].flat();
  }
}

/** A refusal must be the canonical 503 envelope, its Retry-After equal to `details.retryAfter`. */
function expectDegradedAnswer(answer: HttpResult): void {
  expect([201, 503], answer.text).toContain(answer.status);
  if (answer.status !== 503) return;
  const body = expectErrorEnvelope(answer, 503, "service_unavailable");
  expect(body.details?.["retryAfter"]).toBe(RETRY_AFTER_SECONDS);
  expect(answer.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
}

/**
 * Follows runs over SSE from before the fault to their end, resuming with Last-Event-ID
 * whenever the host ends a stream early, as a client would: together the streams must
 * deliver every event of the log once, in order.
 */
async function followToEnd(url: string, runId: string, timeoutMs: number): Promise<number[]> {
  const sequences: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const headers: Record<string, string> = bearer(KEY);
    const last = sequences.at(-1);
    if (last !== undefined) headers["last-event-id"] = String(last);
    let frames;
    try {
      const session = await openSse(`${url}/v1/runs/${runId}/events?streamMode=debug`, headers);
      if (session.status !== 200) {
        session.close();
        await sleep(200);
        continue;
      }
      frames = await collectUntilClosed(session, Math.max(1, deadline - Date.now()));
    } catch {
      await sleep(200);
      continue;
    }
    for (const frame of frames) if (frame.id !== undefined && frame.id !== "") sequences.push(Number(frame.id));
    if (frames.some((frame) => frame.event === "run.completed")) break;
  }
  return sequences;
}

interface StoredRun {
  run_id: string;
  status: string;
  last_sequence: number;
  events: number;
  first: number | null;
  last: number | null;
}

describe("postgres host: storage faults", () => {
  let server: PostgresServer;
  let workflowsDir: string;
  const hosts: HostProcess[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    workflowsDir = await mkdtemp(join(tmpdir(), "openwop-pg-faults-"));
    await writeFile(join(workflowsDir, "faults-chain.json"), JSON.stringify(CHAIN));
  });

  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.kill("SIGKILL")));
    await server?.stop();
    await rm(workflowsDir, { recursive: true, force: true });
  });

  const spawnHost = async (databaseUrl: string): Promise<HostProcess> => {
    const host = await spawnHostProcess(ENTRY, {
      DATABASE_URL: databaseUrl,
      OPENWOP_API_KEY: KEY,
      OPENWOP_WORKFLOWS_DIR: workflowsDir,
      OPENWOP_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
      // Short claims, so steps lost to the fault are reclaimed and resumed soon after it.
      OPENWOP_CLAIM_TTL_MS: "1500",
      OPENWOP_HEARTBEAT_INTERVAL_MS: "400",
      OPENWOP_LOG_LEVEL: "warn",
    });
    hosts.push(host);
    return host;
  };

  const expectAlive = async (host: HostProcess): Promise<void> => {
    expect(host.child.exitCode, host.output()).toBeNull();
    expect(host.child.signalCode, host.output()).toBeNull();
    expect((await request(host.url, "/healthz")).status).toBe(200);
  };

  /**
   * After the fault: the host takes work again by itself, every refused create retried with
   * its key ends acknowledged, and every acknowledged run completes with an intact log.
   */
  const recover = async (host: HostProcess, load: Load): Promise<void> => {
    await expect
      .poll(async () => (await request(host.url, "/readyz")).status, { timeout: 30_000, interval: 250 })
      .toBe(200);
    const deadline = Date.now() + 30_000;
    while (load.unanswered().length > 0) {
      expect(Date.now() < deadline, `still refused after recovery: ${load.unanswered().join(", ")}`).toBe(true);
      for (const key of load.unanswered()) expectDegradedAnswer(await load.create(key));
      if (load.unanswered().length > 0) await sleep(200);
    }
    const probe = new RunProbe(() => host.url, KEY);
    for (const runId of load.acknowledged().values()) {
      expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 30_000)).toBe("completed");
      await probe.expectIntactLog(runId);
    }
    await expectAlive(host);
    // No request met an unexpected error: the fault surfaced as the storage-unavailable 503 only.
    expect(host.output()).not.toContain('"event":"http.error"');
  };

  /** The database holds exactly the acknowledged runs (one per key), each with a gapless log. */
  const expectStoredExactly = async (databaseUrl: string, load: Load): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<StoredRun>(
        `SELECT r.run_id, r.status, r.last_sequence, count(e.sequence)::int AS events,
                min(e.sequence) AS first, max(e.sequence) AS last
           FROM runs r LEFT JOIN events e ON e.run_id = r.run_id
          GROUP BY r.run_id ORDER BY r.run_id`,
      );
      const acknowledged = [...load.acknowledged().values()];
      expect(new Set(acknowledged).size, "two keys share a run").toBe(acknowledged.length);
      // Sorted here: ORDER BY follows the database's collation, which need not be JavaScript's.
      expect(rows.map((run) => run.run_id).sort()).toEqual(acknowledged.sort());
      for (const run of rows) {
        expect(run).toEqual({ ...run, status: "completed", first: 0, last: run.last_sequence });
        expect(run.events).toBe(run.last_sequence + 1);
      }
      // Each run came with its idempotency answer, in the same transaction: one completed record a run.
      const records = await client.query<{ state: string; n: number }>(
        "SELECT state, count(*)::int AS n FROM idempotency_records GROUP BY state",
      );
      expect(records.rows).toEqual([{ state: "completed", n: rows.length }]);
    } finally {
      await client.end();
    }
  };

  it("backends terminated while runs are mid-step: 201 or the 503 envelope, no crash, one run per key, every acknowledged run completes gaplessly", async () => {
    const databaseUrl = await server.createDatabase("openwop_faults_terminate");
    const host = await spawnHost(databaseUrl);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const load = new Load(() => host.url, "terminate");
      for (const answer of await load.wave(6)) expect(answer.status, answer.text).toBe(201);
      const followed = [...load.acknowledged().values()].map((runId) => ({
        runId,
        sequences: followToEnd(host.url, runId, 45_000),
      }));

      let terminated = 0;
      const inFlight: Array<Promise<HttpResult[]>> = [];
      for (let round = 0; round < 8; round += 1) {
        inFlight.push(load.wave(6));
        // Into the middle of the creates just sent and of the steps the earlier runs commit.
        await sleep(20);
        const result = await admin.query<{ n: string }>(
          `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
            WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
          [`${IMPLEMENTATION.name}%`],
        );
        terminated += Number(result.rows[0]?.n ?? 0);
        await sleep(120);
      }
      for (const answer of (await Promise.all(inFlight)).flat()) expectDegradedAnswer(answer);
      expect(terminated).toBeGreaterThan(0);
      await expectAlive(host);

      await recover(host, load);
      for (const answer of load.all()) expectDegradedAnswer(answer);
      const probe = new RunProbe(() => host.url, KEY);
      for (const { runId, sequences } of followed) {
        const log = await probe.events(runId);
        expect(await sequences).toEqual(log.map((event) => event.sequence));
      }
      await host.kill("SIGTERM");
      await expectStoredExactly(databaseUrl, load);
    } finally {
      await admin.end();
    }
  }, 90_000);

  it("the server restarted under load: the 503 envelope while it is down, no crash, recovery by itself, one run per key, every acknowledged run completes gaplessly", async () => {
    const databaseUrl = await server.createDatabase("openwop_faults_restart");
    const host = await spawnHost(databaseUrl);
    const load = new Load(() => host.url, "restart");
    for (const answer of await load.wave(6)) expect(answer.status, answer.text).toBe(201);
    const followed = [...load.acknowledged().values()].map((runId) => ({
      runId,
      sequences: followToEnd(host.url, runId, 45_000),
    }));

    // Creates keep arriving, a wave every 100 ms, across the stop and the start.
    let loading = true;
    const driver = (async () => {
      while (loading) {
        await load.wave(4);
        await sleep(100);
      }
    })();
    await sleep(300);
    await server.stopServer();
    const ready = await request(host.url, "/readyz");
    expectErrorEnvelope(ready, 503, "service_unavailable");
    expect(ready.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    // Down for longer than the claim TTL: the runs' claims lapse and must be taken again.
    await sleep(2_000);
    await expectAlive(host);
    await server.startServer();
    await sleep(500);
    loading = false;
    await driver;

    const refused = load.all().filter((answer) => answer.status === 503);
    expect(refused.length, "nothing was refused while the server was down").toBeGreaterThan(0);
    for (const answer of load.all()) expectDegradedAnswer(answer);
    await recover(host, load);
    for (const answer of load.all()) expectDegradedAnswer(answer);
    const probe = new RunProbe(() => host.url, KEY);
    for (const { runId, sequences } of followed) {
      const log = await probe.events(runId);
      expect(await sequences).toEqual(log.map((event) => event.sequence));
    }
    await host.kill("SIGTERM");
    await expectStoredExactly(databaseUrl, load);
  }, 90_000);

  it("the cluster turned read-only (default_transaction_read_only, reloaded): the 503 envelope, no crash, recovery by itself when it is writable again", async () => {
    const databaseUrl = await server.createDatabase("openwop_faults_read_only");
    const host = await spawnHost(databaseUrl);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    // This session stays writable whatever the cluster default becomes.
    await admin.query("SET default_transaction_read_only = off");
    const setReadOnly = async (on: boolean): Promise<void> => {
      await admin.query(
        on ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only",
      );
      await admin.query("SELECT pg_reload_conf()");
    };
    try {
      const load = new Load(() => host.url, "read-only");
      for (const answer of await load.wave(6)) expect(answer.status, answer.text).toBe(201);
      const followed = [...load.acknowledged().values()].map((runId) => ({
        runId,
        sequences: followToEnd(host.url, runId, 45_000),
      }));

      await setReadOnly(true);
      const during: HttpResult[] = [];
      for (let wave = 0; wave < 4; wave += 1) {
        during.push(...(await load.wave(6)));
        await sleep(100);
      }
      for (const answer of during) expectDegradedAnswer(answer);
      expect(
        during.filter((answer) => answer.status === 503).length,
        "nothing was refused while read-only",
      ).toBeGreaterThan(0);
      // Reads are still answered.
      const read = await request(host.url, `/v1/runs/${[...load.acknowledged().values()][0]}`, {
        headers: bearer(KEY),
      });
      expect(read.status, read.text).toBe(200);
      // And the host says it is degraded, although the server answers.
      const ready = await request(host.url, "/readyz");
      const readiness = expectErrorEnvelope(ready, 503, "service_unavailable");
      expect(readiness.details).toMatchObject({ checks: { storage: "failing" } });
      // Read-only for longer than the claim TTL: the runs' claims lapse and must be taken again.
      await sleep(2_000);
      await expectAlive(host);
      await setReadOnly(false);

      await recover(host, load);
      for (const answer of load.all()) expectDegradedAnswer(answer);
      const probe = new RunProbe(() => host.url, KEY);
      for (const { runId, sequences } of followed) {
        const log = await probe.events(runId);
        expect(await sequences).toEqual(log.map((event) => event.sequence));
      }
      await host.kill("SIGTERM");
      await expectStoredExactly(databaseUrl, load);
    } finally {
      await setReadOnly(false).catch(() => undefined);
      await admin.end();
    }
  }, 90_000);

  it("a database a newer release migrated: the host exits non-zero naming both schema versions, and writes nothing", async () => {
    const databaseUrl = await server.createDatabase("openwop_schema_too_new");
    // This release migrates the database, then "the next release" applies its migration.
    await (await openPostgresAdapter({ connectionString: databaseUrl })).close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const known = Number(
        (await client.query<{ v: number }>("SELECT max(version) AS v FROM schema_migrations")).rows[0]?.v,
      );
      await client.query(`CREATE TABLE next_release_feature (id integer PRIMARY KEY)`);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        known + 1,
        `${String(known + 1).padStart(4, "0")}_next_release_feature`,
      ]);
      const state = async (): Promise<unknown> =>
        (
          await client.query(
            `SELECT
               (SELECT json_agg(c.relname || ':' || c.relkind::text ORDER BY c.relname) FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public') AS relations,
               (SELECT json_agg(to_jsonb(m) ORDER BY m.version) FROM schema_migrations m) AS migrations,
               (SELECT count(*) FROM api_keys) AS keys,
               (SELECT count(*) FROM runs) AS runs`,
          )
        ).rows;
      const before = await state();

      const start = spawnHost(databaseUrl);
      await expect(start).rejects.toThrow(/host exited with 1 before listening/);
      const failure = String(await start.catch((error: unknown) => error));
      const name = new URL(databaseUrl).pathname.slice(1);
      expect(failure).toContain(
        `Postgres database \\"${name}\\" is at schema version ${known + 1}, but this release knows schema versions up to ${known}`,
      );
      expect(await state()).toEqual(before);
    } finally {
      await client.end();
    }
  }, 60_000);
});
