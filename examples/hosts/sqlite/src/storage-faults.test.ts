import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
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
import { afterEach, describe, expect, it } from "vitest";

/**
 * Storage faults under a real host process, with real file systems and no mocks:
 *
 * - **Disk full**: the database lives on a small tmpfs, and a filler file takes every free
 *   byte while runs execute; deleting it is "space returns".
 * - **Read-only database**: `chattr +i` on the database file and its WAL. Tests run as root
 *   here, where `chmod` stops nothing, and a file's mode is checked only when it is opened
 *   anyway (the host keeps its files open); Linux refuses a read-only remount while files
 *   are open for writing. The immutable attribute is the one switch that makes the kernel
 *   refuse writes through descriptors already open (EPERM), for root too, and it can be
 *   lifted again. `prlimit --fsize` on the running host was tried and does not take effect
 *   on this kernel, so it is not used.
 *
 * Each fault is skipped, with the reason, where the machine cannot produce it (no root for
 * `mount`, a file system without the immutable attribute).
 */

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const KEY = "hk_test_storage_faults_sqlite";
const RETRY_AFTER_SECONDS = 1;

const noop = (id: string) => ({ id, typeId: "core.noop", name: id, position: { x: 0, y: 0 }, config: {}, inputs: {} });
const delay = (id: string, delayMs: number) => ({ ...noop(id), typeId: "core.delay", config: { delayMs } });

/** Five nodes with two short waits: a run commits several steps, some of them while the fault lasts. */
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

/** Whether this machine lets the test mount a tmpfs (root, or a capable container). */
function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), "openwop-tmpfs-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "openwop-probe", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Whether `chattr +i` makes the kernel refuse a write through a descriptor opened before it, here. */
function immutableStopsOpenWriters(): boolean {
  const probe = mkdtempSync(join(tmpdir(), "openwop-immutable-probe-"));
  const file = join(probe, "probe");
  let fd: number | undefined;
  try {
    fd = openSync(file, "a");
    execFileSync("chattr", ["+i", file], { stdio: "ignore" });
    try {
      writeSync(fd, "x");
      return false;
    } catch {
      return true;
    }
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      execFileSync("chattr", ["-i", file], { stdio: "ignore" });
    } catch {
      // Never set: nothing to lift.
    }
    rmSync(probe, { recursive: true, force: true });
  }
}

const TMPFS = canMountTmpfs();
const IMMUTABLE = immutableStopsOpenWriters();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function spawnHost(directory: string): Promise<HostProcess> {
  return spawnHostProcess(ENTRY, {
    OPENWOP_SQLITE_PATH: join(directory, "openwop.db"),
    OPENWOP_API_KEY: KEY,
    OPENWOP_WORKFLOWS_DIR: join(directory, "workflows"),
    OPENWOP_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
    // Short claims, so steps lost to the fault are reclaimed and resumed soon after it ends.
    OPENWOP_CLAIM_TTL_MS: "1500",
    OPENWOP_HEARTBEAT_INTERVAL_MS: "400",
    OPENWOP_LOG_LEVEL: "warn",
  });
}

/** Sends creates with an Idempotency-Key each, and remembers every answer by key. */
class Load {
  readonly answers = new Map<string, HttpResult[]>();
  #next = 0;
  constructor(private readonly url: () => string) {}

  async create(key = `faults-${this.#next++}`): Promise<HttpResult> {
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
 * The whole story of one fault: load before it, load while it lasts (every answer a 201 or
 * the 503 envelope, the process alive and serving reads, `/readyz` degraded), then the fault
 * lifted with no help from the test: the host is ready and accepts work again by itself, every refused request retried
 * with its key creates its run exactly once (never a replay: a refused request did no work),
 * and every acknowledged run completes with a gapless log, which SSE clients that followed
 * runs across the fault received whole and in order.
 */
async function throughFault(host: HostProcess, fault: { inject(): void; lift(): void }): Promise<Load> {
  const load = new Load(() => host.url);
  const probe = new RunProbe(() => host.url, KEY);
  const before = await load.wave(6);
  for (const answer of before) expect(answer.status, answer.text).toBe(201);
  const [watched] = load.acknowledged().values();
  const followed = [...load.acknowledged().values()].map((runId) => ({
    runId,
    sequences: followToEnd(host.url, runId, 45_000),
  }));

  fault.inject();
  // Runs from before the fault are mid-chain now: their next steps hit the fault too.
  const during: HttpResult[] = [];
  for (let wave = 0; wave < 4; wave += 1) {
    during.push(...(await load.wave(6)));
    await sleep(100);
  }
  for (const answer of during) expectDegradedAnswer(answer);
  expect(during.filter((answer) => answer.status === 503).length, "the fault refused no write").toBeGreaterThan(0);
  expect(host.child.exitCode, host.output()).toBeNull();
  expect((await request(host.url, "/healthz")).status).toBe(200);
  // Reads are answered while writes cannot be.
  const read = await request(host.url, `/v1/runs/${watched}`, { headers: bearer(KEY) });
  expect(read.status, read.text).toBe(200);
  // And the host says it is degraded, although the file still reads.
  const ready = await request(host.url, "/readyz");
  const readiness = expectErrorEnvelope(ready, 503, "service_unavailable");
  expect(readiness.details).toMatchObject({ retryAfter: RETRY_AFTER_SECONDS, checks: { storage: "failing" } });
  expect(ready.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
  // Outlast the claim TTL, so recovery has to reclaim the runs whose steps failed, not just retry.
  await sleep(2_000);
  expect(host.child.exitCode, host.output()).toBeNull();

  fault.lift();
  // Ready again by itself, before any client writes.
  await expect
    .poll(async () => (await request(host.url, "/readyz")).status, { timeout: 30_000, interval: 250 })
    .toBe(200);
  const deadline = Date.now() + 30_000;
  while (load.unanswered().length > 0) {
    expect(Date.now() < deadline, `still refused after the fault ended: ${load.unanswered().join(", ")}`).toBe(true);
    for (const key of load.unanswered()) {
      const retry = await load.create(key);
      expectDegradedAnswer(retry);
      if (retry.status === 201) expect(retry.headers.get("openwop-idempotent-replay"), retry.text).toBeNull();
    }
    if (load.unanswered().length > 0) await sleep(200);
  }

  for (const runId of load.acknowledged().values()) {
    expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 30_000)).toBe("completed");
    await probe.expectIntactLog(runId);
  }
  // Clients that followed runs across the fault got every event once, in order.
  for (const { runId, sequences } of followed) {
    expect(await sequences).toEqual((await probe.events(runId)).map((event) => event.sequence));
  }
  expect(host.child.exitCode, host.output()).toBeNull();
  // No request met an unexpected error: the fault surfaced as the storage-unavailable 503 only.
  expect(host.output()).not.toContain('"event":"http.error"');
  return load;
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

/**
 * After the host stopped: the file is intact, and it holds exactly the acknowledged runs,
 * each with a log numbered 0…last_sequence without a hole: no write half-made by the fault.
 */
function expectStoredExactly(path: string, acknowledged: Iterable<string>): void {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    expect(db.prepare("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const runs = db
      .prepare(
        `SELECT r.run_id, r.status, r.last_sequence, count(e.sequence) AS events,
                min(e.sequence) AS first, max(e.sequence) AS last
           FROM runs r LEFT JOIN run_events e ON e.run_id = r.run_id
          GROUP BY r.run_id ORDER BY r.run_id`,
      )
      .all() as unknown as StoredRun[];
    expect(runs.map((run) => run.run_id).sort()).toEqual([...acknowledged].sort());
    for (const run of runs) {
      expect(run).toEqual({ ...run, status: "completed", first: 0, last: run.last_sequence });
      expect(run.events).toBe(run.last_sequence + 1);
    }
    // Each run came with its idempotency answer, in the same transaction: one completed record a run.
    expect(db.prepare("SELECT state, count(*) AS n FROM idempotency_records GROUP BY state").all()).toEqual([
      { state: "completed", n: runs.length },
    ]);
  } finally {
    db.close();
  }
}

function prepareDirectory(directory: string): void {
  mkdirSync(join(directory, "workflows"), { recursive: true });
  writeFileSync(join(directory, "workflows", "faults-chain.json"), JSON.stringify(CHAIN));
}

describe("sqlite host: storage faults", () => {
  it.skipIf(!TMPFS)(
    "disk full: refuses writes with the 503 envelope, keeps serving, and recovers by itself when space returns, losing nothing acknowledged",
    async () => {
      const directory = mkdtempSync(join(tmpdir(), "openwop-disk-full-"));
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=48m", "openwop-disk-full", directory]);
      cleanups.push(() => {
        execFileSync("umount", ["-l", directory]);
        rmSync(directory, { recursive: true, force: true });
      });
      prepareDirectory(directory);
      const host = await spawnHost(directory);
      cleanups.push(() => host.kill("SIGKILL"));

      const filler = join(directory, "filler");
      const load = await throughFault(host, {
        inject: () => fillDisk(filler),
        lift: () => unlinkSync(filler),
      });

      await host.kill("SIGTERM");
      expectStoredExactly(join(directory, "openwop.db"), load.acknowledged().values());
    },
    90_000,
  );

  it.skipIf(!IMMUTABLE)(
    "read-only database file: refuses writes with the 503 envelope, keeps serving reads, and recovers by itself when the file is writable again",
    async () => {
      const directory = mkdtempSync(join(tmpdir(), "openwop-read-only-"));
      const path = join(directory, "openwop.db");
      const files = [path, `${path}-wal`];
      const setImmutable = (on: boolean): void => {
        for (const file of files) execFileSync("chattr", [on ? "+i" : "-i", file]);
      };
      cleanups.push(() => {
        // An immutable file cannot be removed, by root either: lift it first, whatever happened.
        for (const file of files) {
          try {
            execFileSync("chattr", ["-i", file], { stdio: "ignore" });
          } catch {
            // Not there, or never set.
          }
        }
        rmSync(directory, { recursive: true, force: true });
      });
      prepareDirectory(directory);
      const host = await spawnHost(directory);
      cleanups.push(() => host.kill("SIGKILL"));

      const load = await throughFault(host, { inject: () => setImmutable(true), lift: () => setImmutable(false) });

      await host.kill("SIGTERM");
      expectStoredExactly(path, load.acknowledged().values());
    },
    90_000,
  );
});

/** Takes every free byte of the file system `file` is on: big writes first, then ever smaller ones. */
function fillDisk(file: string): void {
  const fd = openSync(file, "w");
  try {
    for (let chunk = 1 << 20; chunk >= 512; chunk >>= 1) {
      const bytes = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          writeSync(fd, bytes);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Every file of a directory and the digest of its bytes. */
function filesIn(directory: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(directory)
      .filter((name) => name !== "workflows")
      .sort()
      .map((name) => [
        name,
        createHash("sha256")
          .update(readFileSync(join(directory, name)))
          .digest("hex"),
      ]),
  );
}

describe("sqlite host: a database a newer release migrated", () => {
  it("refuses to start, exits non-zero naming both schema versions, and writes nothing", async () => {
    const directory = mkdtempSync(join(tmpdir(), "openwop-schema-too-new-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    prepareDirectory(directory);
    const path = join(directory, "openwop.db");
    // This release migrates the file, then "the next release" adds its migration 0005.
    await openSqliteAdapter({ path }).close();
    const db = new DatabaseSync(path);
    const known = Number((db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number }).v);
    db.exec(`CREATE TABLE next_release_feature (id INTEGER PRIMARY KEY) STRICT;
      INSERT INTO schema_migrations (version, name, applied_at)
      VALUES (${known + 1}, 'next_release_feature', '2031-01-01T00:00:00.000Z');`);
    db.close();
    const before = filesIn(directory);

    const start = spawnHost(directory);
    await expect(start).rejects.toThrow(/host exited with 1 before listening/);
    const failure = String(await start.catch((error: unknown) => error));
    expect(failure).toContain(
      `SQLite database ${path} is at schema version ${known + 1}, but this release knows schema versions up to ${known}`,
    );
    expect(filesIn(directory)).toEqual(before);
  });
});
