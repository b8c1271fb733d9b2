import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import {
  RunProbe,
  SLOW_CHAIN_WORKFLOW,
  collectUntilClosed,
  openSse,
  spawnHostProcess,
  type HostProcess,
} from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_durability_postgres";
const TTL_MS = 1500;
const HEARTBEAT_MS = 400;

describe("postgres host: two processes, crashes and takeover", () => {
  let server: PostgresServer;
  let databaseUrl: string;
  let workflowsDir: string;
  const hosts: HostProcess[] = [];

  const spawnHost = async (): Promise<HostProcess> => {
    const host = await spawnHostProcess(ENTRY, {
      DATABASE_URL: databaseUrl,
      OPENWOP_API_KEY: API_KEY,
      OPENWOP_WORKFLOWS_DIR: workflowsDir,
      OPENWOP_CLAIM_TTL_MS: String(TTL_MS),
      OPENWOP_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
    });
    hosts.push(host);
    return host;
  };

  beforeAll(async () => {
    server = await startPostgres();
    databaseUrl = await server.createDatabase("openwop_durability");
    workflowsDir = await mkdtemp(join(tmpdir(), "openwop-pg-durability-"));
    await writeFile(join(workflowsDir, "slow-chain.json"), JSON.stringify(SLOW_CHAIN_WORKFLOW));
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.kill("SIGKILL")));
    await server?.stop();
    await rm(workflowsDir, { recursive: true, force: true });
  });

  it("a live peer completes a run whose holder was SIGKILLed mid-delay, without re-running nodes", async () => {
    const a = await spawnHost();
    const probeA = new RunProbe(() => a.url, API_KEY);
    const runId = await probeA.create("conformance-delay", { delayMs: 2000 });
    await probeA.waitForEvent(runId, "node.started", 10_000, "wait");
    const b = await spawnHost();
    const probeB = new RunProbe(() => b.url, API_KEY);
    const killedAt = Date.now();
    await a.kill("SIGKILL");
    expect(await probeB.waitFor(runId, ["completed", "failed", "cancelled"], TTL_MS + HEARTBEAT_MS + 2000 + 5000)).toBe(
      "completed",
    );
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS + HEARTBEAT_MS + 2000 + 5000);
    const log = await probeB.expectIntactLog(runId);
    expect(log.filter((e) => e.type === "node.started")).toHaveLength(1);
    await b.kill("SIGTERM");
  });

  it("an SSE client on process A receives, in order, the events of a run executed by process B", async () => {
    const b = await spawnHost();
    const probeB = new RunProbe(() => b.url, API_KEY);
    const runId = await probeB.create(SLOW_CHAIN_WORKFLOW.id);
    await probeB.waitForEvent(runId, "node.started", 10_000, "wait1");
    const a = await spawnHost();
    const session = await openSse(`${a.url}/v1/runs/${runId}/events?streamMode=debug`, {
      authorization: `Bearer ${API_KEY}`,
    });
    const frames = await collectUntilClosed(session, 20_000);
    const sequences = frames.map((f) => Number(f.id));
    expect(sequences).toEqual(sequences.map((_, i) => i));
    expect(frames.at(-1)?.event).toBe("run.completed");
    expect(frames.map((f) => f.event)).toContain("node.completed");
    await Promise.all([a.kill("SIGTERM"), b.kill("SIGTERM")]);
  });
});
