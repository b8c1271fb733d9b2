import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RunProbe, SLOW_CHAIN_WORKFLOW, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_durability_sqlite";

describe("sqlite host: SIGKILL mid-run, restart, nothing lost", () => {
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
    dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-durability-"));
    await writeFile(join(dir, "slow-chain.json"), JSON.stringify(SLOW_CHAIN_WORKFLOW));
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
});
