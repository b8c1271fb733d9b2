import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RunProbe, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_retry_durability_sqlite";
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

describe("sqlite host: SIGKILL during a retry backoff", () => {
  let dir: string;
  let host: HostProcess | undefined;

  const start = async (): Promise<HostProcess> =>
    (host = await spawnHostProcess(ENTRY, {
      OPENWOP_SQLITE_PATH: join(dir, "openwop.db"),
      OPENWOP_API_KEY: API_KEY,
      OPENWOP_WORKFLOWS_DIR: dir,
      OPENWOP_CLAIM_TTL_MS: "1000",
      OPENWOP_HEARTBEAT_INTERVAL_MS: "300",
    }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-retry-"));
    await writeFile(join(dir, "retry.json"), JSON.stringify(RETRY_WORKFLOW));
  });

  afterAll(async () => {
    await host?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the committed failure and the backoff's end: the next process makes attempt 1 once, no sooner than the backoff, and goes on", async () => {
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
});
