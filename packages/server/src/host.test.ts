import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryAdapter } from "@openwop/storage-memory";
import { SpiVersionMismatchError, STORAGE_SPI_VERSION } from "@openwop/storage";
import { eventually } from "@openwop/storage/testing";
import { afterEach, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "./host.js";
import { resolveHostSettings } from "./settings/host-settings.js";
import { bearer, request } from "./testing/http.js";
import { RunProbe } from "./testing/run-probe.js";
import { openSse } from "./testing/sse.js";

const implementation = { name: "host-test", version: "0.0.0" };
const KEY = "hk_test_host_unit";
let host: RunningHost | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe("startOpenWopHost", () => {
  it("refuses an adapter built for another storage SPI major, naming both versions", async () => {
    const adapter = Object.assign(createMemoryAdapter(), { spiVersionRange: "^4.0.0" });
    const attempt = startOpenWopHost({ adapter, implementation });
    await expect(attempt).rejects.toBeInstanceOf(SpiVersionMismatchError);
    await expect(attempt).rejects.toThrow(new RegExp(`\\^4\\.0\\.0.*${STORAGE_SPI_VERSION.replaceAll(".", "\\.")}`));
  });

  it("stops start-up at a bad workflow file, naming the file and the problem", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openwop-bad-workflows-"));
    try {
      await writeFile(join(dir, "broken.json"), JSON.stringify({ id: "broken", name: "b", version: "1", nodes: [] }));
      await expect(
        startOpenWopHost({
          adapter: createMemoryAdapter(),
          implementation,
          settings: resolveHostSettings({ workflowsDir: dir }),
        }),
      ).rejects.toThrow(/broken\.json: .*nodes/);
      await writeFile(join(dir, "broken.json"), "{ nope");
      await expect(
        startOpenWopHost({
          adapter: createMemoryAdapter(),
          implementation,
          settings: resolveHostSettings({ workflowsDir: dir }),
        }),
      ).rejects.toThrow(/broken\.json: not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails a run that outlives configurable.runTimeoutMs with run_timeout after cap.breached", async () => {
    host = await startOpenWopHost({
      adapter: createMemoryAdapter(),
      implementation,
      settings: resolveHostSettings({ apiKey: KEY }),
    });
    const probe = new RunProbe(() => (host as RunningHost).url, KEY);
    const runId = await probe.create("conformance-delay", { delayMs: 5000 }, { configurable: { runTimeoutMs: 200 } });
    const snapshot = await probe.waitForSnapshot(runId, ["completed", "failed", "cancelled"], 5_000);
    expect(snapshot["status"]).toBe("failed");
    expect(snapshot["error"]).toMatchObject({ code: "run_timeout" });
    const types = await probe.events(runId);
    const breach = types.findIndex((e) => e.type === "cap.breached" && e.payload.kind === "run-duration");
    expect(breach).toBeGreaterThan(-1);
    expect(types.slice(breach + 1).map((e) => e.type)).toEqual(["node.cancelled", "run.failed"]);
  });

  it("sends keep-alive comments on an idle stream at the configured interval", async () => {
    const intervalMs = 100;
    host = await startOpenWopHost({
      adapter: createMemoryAdapter(),
      implementation,
      settings: resolveHostSettings({ apiKey: KEY, sseKeepAliveMs: intervalMs }),
    });
    // A delay far longer than the wait below, so the stream stays idle until the test closes it.
    const created = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: bearer(KEY),
      body: { workflowId: "conformance-delay", inputs: { delayMs: 30_000 } },
    });
    const runId = (created.json as { runId: string }).runId;
    const opened = performance.now();
    const session = await openSse(`${host.url}/v1/runs/${runId}/events`, bearer(KEY));
    const keepAlives = () => session.comments.filter((c) => c.includes("keepalive")).length;
    try {
      // Waits on the comments themselves, with a generous bound, instead of counting after a fixed sleep.
      await eventually(() => keepAlives() >= 3, "three keep-alive comments");
    } finally {
      session.close();
    }
    // At the configured interval, not faster: a third comment cannot come before two
    // intervals have passed (a loaded machine only makes it later, which this allows).
    expect(performance.now() - opened).toBeGreaterThanOrEqual(2 * intervalMs);
  });

  it("accepts the legacy `since` poll cursor", async () => {
    host = await startOpenWopHost({
      adapter: createMemoryAdapter(),
      implementation,
      settings: resolveHostSettings({ apiKey: KEY }),
    });
    const probe = new RunProbe(() => (host as RunningHost).url, KEY);
    const runId = await probe.create("conformance-noop");
    await probe.waitFor(runId, ["completed"], 5_000);
    const events = await probe.events(runId);
    const after = (await request(host.url, `/v1/runs/${runId}/events/poll?since=0`, { headers: bearer(KEY) })).json as {
      events: typeof events;
    };
    expect(events.length).toBeGreaterThan(1);
    expect(after.events.map((e) => e.sequence)).toEqual(events.slice(1).map((e) => e.sequence));
  });
});
