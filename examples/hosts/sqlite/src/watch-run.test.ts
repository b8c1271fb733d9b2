import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@openwop/client";
import { SLOW_CHAIN_WORKFLOW, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_watch_run_sqlite";

/** A port nothing listens on now, so the restarted host can take the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("sqlite host: client.watchRun across a host crash", () => {
  let dir: string;
  let port: number;
  let host: HostProcess | undefined;

  const start = async (): Promise<HostProcess> =>
    (host = await spawnHostProcess(ENTRY, {
      PORT: String(port),
      OPENWOP_SQLITE_PATH: join(dir, "openwop.db"),
      OPENWOP_API_KEY: API_KEY,
      OPENWOP_WORKFLOWS_DIR: dir,
      OPENWOP_CLAIM_TTL_MS: "1000",
      OPENWOP_HEARTBEAT_INTERVAL_MS: "300",
    }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-watch-"));
    await writeFile(join(dir, "slow-chain.json"), JSON.stringify(SLOW_CHAIN_WORKFLOW));
    port = await freePort();
  });

  afterAll(async () => {
    await host?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("resumes with Last-Event-ID after the host is SIGKILLed and restarted, yielding every event once, in order, to the terminal one", async () => {
    const first = await start();
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
          await start();
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
