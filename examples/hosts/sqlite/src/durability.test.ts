import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@openwop/client";
import { RunProbe, SLOW_CHAIN_WORKFLOW, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_durability_sqlite";
const BACKOFF_MS = 2_500;

/** One flaky node failing its first attempt, then waiting a long backoff before the second. */
const RETRY_WORKFLOW = {
  id: "suite-retry-backoff",
  name: "Suite: retry backoff",
  version: "1.0.0",
  nodes: [
    {
      id: "flaky",
      typeId: "conformance.flaky",
      name: "flaky",
      position: { x: 0, y: 0 },
      config: { failAttempts: 1 },
      inputs: {},
      settings: { maxRetries: 2, retryBackoffMs: BACKOFF_MS },
    },
    { id: "after", typeId: "core.noop", name: "after", position: { x: 200, y: 0 }, config: {}, inputs: {} },
  ],
  edges: [{ id: "flaky-after", sourceNodeId: "flaky", targetNodeId: "after" }],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [],
  metadata: {},
  settings: {},
};

/** A port nothing listens on now, so the restarted host can take the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("sqlite host: SIGKILL mid-run, restart, nothing lost", () => {
  let dir: string;
  let host: HostProcess | undefined;

  /** On an ephemeral port, or on `port` when a test restarts the host where its clients are. */
  const start = async (port?: number): Promise<HostProcess> =>
    (host = await spawnHostProcess(ENTRY, {
      ...(port === undefined ? {} : { PORT: String(port) }),
      OPENWOP_SQLITE_PATH: join(dir, "openwop.db"),
      OPENWOP_API_KEY: API_KEY,
      OPENWOP_WORKFLOWS_DIR: dir,
      OPENWOP_CLAIM_TTL_MS: "1000",
      OPENWOP_HEARTBEAT_INTERVAL_MS: "300",
    }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-durability-"));
    await writeFile(join(dir, "slow-chain.json"), JSON.stringify(SLOW_CHAIN_WORKFLOW));
    await writeFile(join(dir, "retry.json"), JSON.stringify(RETRY_WORKFLOW));
  });

  afterAll(async () => {
    await host?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("completes a delay run and a multi-node run after the host is killed in the middle of both", async () => {
    const first = await start();
    const probe = new RunProbe(() => (host as HostProcess).url, API_KEY);
    const delayRun = await probe.create("conformance-delay", { delayMs: 1500 });
    const chainRun = await probe.create(SLOW_CHAIN_WORKFLOW.id);
    await probe.waitForEvent(delayRun, "node.started", 10_000, "wait");
    await probe.waitForEvent(chainRun, "node.started", 10_000, "wait1");
    await first.kill("SIGKILL");

    await start();
    expect(await probe.waitFor(delayRun, ["completed", "failed", "cancelled"], 15_000)).toBe("completed");
    expect(await probe.waitFor(chainRun, ["completed", "failed", "cancelled"], 15_000)).toBe("completed");
    for (const runId of [delayRun, chainRun]) {
      const log = await probe.expectIntactLog(runId);
      const starts = log.filter((e) => e.type === "node.started").map((e) => e.nodeId);
      expect(new Set(starts).size).toBe(starts.length);
    }
    const chainCompleted = (await probe.events(chainRun))
      .filter((e) => e.type === "node.completed")
      .map((e) => e.nodeId);
    expect(chainCompleted).toEqual(["a", "wait1", "b", "wait2", "c"]);
  });

  it("keeps a pending interrupt across a restart and resolves it afterwards", async () => {
    const probe = new RunProbe(() => (host as HostProcess).url, API_KEY);
    if (!host || host.child.exitCode !== null) await start();
    const runId = await probe.create("conformance-approval");
    await probe.waitFor(runId, ["waiting-approval"], 10_000);
    await (host as HostProcess).kill("SIGKILL");
    await start();
    expect(await probe.status(runId)).toBe("waiting-approval");
    const { request, bearer } = await import("@openwop/server/testing");
    const resolved = await request((host as HostProcess).url, `/v1/runs/${runId}/interrupts/gate`, {
      method: "POST",
      headers: bearer(API_KEY),
      body: { resumeValue: { action: "accept" } },
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 10_000)).toBe("completed");
    await probe.expectIntactLog(runId);
  });

  it("keeps the committed failure and the backoff's end: the next process makes attempt 1 once, no sooner than the backoff, and goes on", async () => {
    if (host && host.child.exitCode === null) await host.kill("SIGKILL");
    const first = await start();
    const probe = new RunProbe(() => (host as HostProcess).url, API_KEY);
    const runId = await probe.create(RETRY_WORKFLOW.id);
    await probe.waitForEvent(runId, "node.retried", 10_000, "flaky");
    await first.kill("SIGKILL");
    await start();
    expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 20_000)).toBe("completed");

    const log = await probe.expectIntactLog(runId);
    const attempts = log
      .filter((event) => event.type === "node.started" && event.nodeId === "flaky")
      .map((event) => (event.payload as { attempt?: number }).attempt);
    expect(attempts).toEqual([0, 1]);
    expect(log.filter((event) => event.type === "node.retried")).toHaveLength(1);
    const retried = log.find((event) => event.type === "node.retried");
    const second = log.filter((event) => event.type === "node.started" && event.nodeId === "flaky")[1];
    expect(Date.parse(second?.timestamp ?? "") - Date.parse(retried?.timestamp ?? "")).toBeGreaterThanOrEqual(
      BACKOFF_MS,
    );
    expect(log.filter((event) => event.type === "node.completed").map((event) => event.nodeId)).toEqual([
      "flaky",
      "after",
    ]);
  });

  it("resumes with Last-Event-ID after the host is SIGKILLed and restarted, yielding every event once, in order, to the terminal one", async () => {
    if (host && host.child.exitCode === null) await host.kill("SIGKILL");
    const port = await freePort();
    const first = await start(port);
    const client = createClient({ baseUrl: first.url, apiKey: API_KEY, timeoutMs: 10_000 });
    const { runId } = await client.createRun({ workflowId: SLOW_CHAIN_WORKFLOW.id });

    const seen: Array<{ sequence: number; type: string; eventId: string; nodeId?: string }> = [];
    let killed: Promise<void> | undefined;
    for await (const event of client.watchRun(runId, {
      backoffMs: 100,
      maxReconnects: 60,
      streamMode: "debug",
    })) {
      seen.push(event);
      // Mid-run, inside the first delay: the stream drops with the process, and the run's
      // remaining events are written by the next process.
      if (killed === undefined && event.type === "node.started" && event.nodeId === "wait1") {
        killed = first.kill("SIGKILL").then(async () => {
          await start(port);
        });
      }
    }
    await killed;
    expect(killed, "the host was killed during the watch").toBeDefined();

    const sequences = seen.map((event) => event.sequence);
    expect(sequences).toEqual(sequences.map((_sequence, index) => index));
    expect(seen.at(-1)?.type).toBe("run.completed");
    const { events: log } = await client.pollEvents(runId);
    expect(seen.map((event) => event.eventId)).toEqual(log.map((event) => event.eventId));
    // The events after the crash came from the restarted process: the chain went on there.
    const afterCrash = seen.slice(seen.findIndex((event) => event.nodeId === "wait1") + 1);
    expect(afterCrash.filter((event) => event.type === "node.completed").map((event) => event.nodeId)).toEqual([
      "wait1",
      "b",
      "wait2",
      "c",
    ]);
  });
});
