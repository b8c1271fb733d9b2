import { describe, expect, it } from "vitest";
import { closedLoop } from "./closed-loop.js";
import { filesystemOf } from "./machine.js";
import { defaultHoldMs, parseOptions, UsageError } from "./options.js";
import { moduleOf, summarizeProfile, type CpuProfile } from "./profile.js";
import { createProgress, wantsColour } from "./progress.js";
import { renderMarkdown } from "./report.js";
import { checkTargets, finishHost, measured, mergeReports, notMeasured, type BenchReport } from "./results.js";
import { SseParser } from "./sse.js";
import { percentile, percentileOfSorted, ratio, summarize } from "./stats.js";
import { classify, overallTier } from "./tiers.js";
import { BenchEnvironment } from "./environment.js";
import { LIST_QUERY_IDS, measureRunsList, type RunsListResult } from "./runs-list.js";
import { planRuns } from "./runs-list-seed.js";
import { measurePolling, type PollingResult } from "./polling.js";
import {
  deliveriesPerSecond,
  deliveryLatencies,
  drainSeconds,
  lastArrival,
  receiptsOfRuns,
} from "./webhook-figures.js";
import { receiptOf, startWebhookReceiver, type WebhookReceipt } from "./webhook-receiver.js";
import type { WebhookLatencyResult, WebhookThroughputResult, WebhooksResult } from "./webhooks.js";
import {
  medianOf,
  type DeliveryResult,
  type HeldResult,
  type InProcessResult,
  type ThroughputResult,
} from "./workloads.js";

const summary = (p50: number, p99: number) => ({ count: 100, min: 0, p50, p90: p50, p99, max: p99, mean: p50 });
const resources = {
  wallSeconds: 10,
  measuredCpuSeconds: 5,
  postgresCpuSeconds: null,
  benchCpuSeconds: 2,
  peakRssBytes: 100 * 1048576,
};

function throughput(runsPerSecond: number, postP50: number, postP99: number): ThroughputResult {
  return {
    repeats: [runsPerSecond - 10, runsPerSecond, runsPerSecond + 10],
    runs: 5000,
    clients: 64,
    warmupRuns: 500,
    seconds: 5000 / runsPerSecond,
    runsPerSecond,
    createMs: summary(postP50, postP99),
    createToTerminalMs: summary(20, 80),
    notCompleted: 0,
    errors: 0,
    hostProcesses: 1,
    resources,
  };
}

describe("percentiles", () => {
  it("uses the nearest rank, never interpolating", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });

  it("does not reorder its input and answers NaN for no samples", () => {
    const samples = [3, 1, 2];
    expect(percentile(samples, 50)).toBe(2);
    expect(samples).toEqual([3, 1, 2]);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it("summarises count, extremes, mean and the tail", () => {
    const s = summarize([10, 20, 30, 40, 1000]);
    expect(s).toMatchObject({ count: 5, min: 10, p50: 30, p99: 1000, max: 1000, mean: 220 });
    expect(summarize([]).count).toBe(0);
  });

  it("divides only what can be divided", () => {
    expect(ratio(500, 1000)).toBe(0.5);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 3)).toBeNull();
  });
});

describe("scale tiers", () => {
  it("gives each property the highest tier whose floor it meets", () => {
    expect(classify("postP50Ms", 80).tier).toBe("high-throughput");
    expect(classify("postP50Ms", 100).tier).toBe("high-throughput");
    expect(classify("postP50Ms", 101).tier).toBe("production");
    expect(classify("postP99Ms", 4000).tier).toBe("minimal");
    expect(classify("postP99Ms", 6000).tier).toBe("none");
    expect(classify("deliveryP99Ms", 200).tier).toBe("high-throughput");
    expect(classify("concurrentRuns", 5000).tier).toBe("high-throughput");
    expect(classify("concurrentRuns", 4999).tier).toBe("production");
    expect(classify("concurrentRuns", 0).tier).toBe("none");
    expect(classify("concurrentRuns", undefined).tier).toBeNull();
  });

  it("meets overall only the lowest tier of the measured properties", () => {
    expect(
      overallTier([classify("postP50Ms", 5), classify("deliveryP99Ms", 300), classify("concurrentRuns", null)]),
    ).toBe("production");
    expect(overallTier([classify("postP99Ms", 9000), classify("postP50Ms", 5)])).toBe("none");
    expect(overallTier([classify("postP99Ms", null)])).toBeNull();
  });
});

describe("results", () => {
  const held: HeldResult = {
    runs: 5000,
    holdMs: 45_000,
    creationSeconds: 10,
    postMs: summary(5, 40),
    inFlight: 5000,
    running: 5000,
    windowSeconds: 15,
    statusReadMs: summary(3, 30),
    rssBeforeBytes: 100 * 1048576,
    rssInFlightBytes: 400 * 1048576,
    peakRssBytes: 450 * 1048576,
    completed: 5000,
    notCompleted: 0,
    drainSeconds: 2,
    errors: 0,
    resources,
  };
  const delivery: DeliveryResult = {
    subscribers: 200,
    delayMs: summary(3, 60),
    liveEvents: 1400,
    backlogEvents: 400,
    completedRuns: 200,
    errors: 0,
    resources,
  };
  const ceiling: InProcessResult = { ...throughput(2000, 1, 3), resources };

  it("derives ratios, tiers and target verdicts from the measured workloads", () => {
    const host = finishHost("postgres", {
      throughput: measured(throughput(600, 10, 90)),
      delivery: measured(delivery),
      held: measured(held),
      ceiling: measured(ceiling),
      peer: notMeasured("the peer could not start"),
    });
    expect(host.ratios.hostOverCeiling).toBe(0.3);
    expect(host.ratios.hostOverPeer).toBeNull();
    expect(host.tier).toBe("high-throughput");
    const targets = checkTargets({ postgres: host });
    const verdict = (id: string) => targets.find((t) => t.id === id)?.met;
    expect(verdict("postgres-throughput")).toBe(true);
    expect(verdict("postgres-post-p99")).toBe(true);
    expect(verdict("postgres-delivery-p99")).toBe(false);
    expect(verdict("postgres-rss")).toBe(true);
    expect(verdict("postgres-ceiling")).toBe(false);
    expect(verdict("postgres-peer")).toBeNull();
  });

  it("renders every section of the page, with the reason for what was not measured", () => {
    const sqlite = finishHost("sqlite", {
      throughput: measured(throughput(1200, 2, 20)),
      ceiling: measured(ceiling),
      delivery: notMeasured("host exited"),
    });
    const report: BenchReport = {
      schemaVersion: 1,
      generatedAt: "2026-01-01T00:00:00.000Z",
      command: "./pnpmw bench --runs 500",
      durationSeconds: 90,
      machine: {
        cpuModel: "Test CPU",
        cores: 2,
        memoryGiB: 24,
        os: "Linux",
        node: "v24.0.0",
        postgres: null,
        scratchFilesystem: "ext4",
        loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
      },
      settings: {
        workloads: ["throughput", "ceiling", "delivery"],
        hosts: ["sqlite"],
        runs: 500,
        clients: 64,
        warmup: 50,
        subscribers: 200,
        held: 500,
        holdMs: 18_000,
        readers: 32,
        repeat: 3,
        hostLogLevel: "info",
        postgres: { sharedBuffers: "256MB", maxConnections: 300, durability: "defaults" },
        sqlite: "WAL",
        hostEnvironment: { A: "1" },
      },
      hosts: { sqlite },
      targets: checkTargets({ sqlite }),
    };
    const page = renderMarkdown(report, "## Analysis\n\nWhy.");
    expect(page).toContain("./pnpmw bench --runs 500");
    expect(page).toContain("## 1. Throughput");
    expect(page).toContain("**1,200** (1,190 · 1,200 · 1,210)");
    expect(page).toContain("host exited");
    expect(page).toContain("## Analysis");
    expect(page).toContain("Test CPU, 2 cores");
    expect(page).not.toContain("## 4. Scale-out");
  });
});

describe("the SSE parser", () => {
  it("emits whole frames however the bytes are split", () => {
    const parser = new SseParser();
    const text =
      ': keepalive\n\nid: 0\nevent: run.started\ndata: {"a":1}\n\nid: 1\r\nevent: run.completed\r\ndata: x\r\ndata: y\r\n\r\n';
    const frames = [...text].flatMap((char) => parser.push(char));
    expect(frames).toEqual([
      { id: "0", event: "run.started", data: '{"a":1}' },
      { id: "1", event: "run.completed", data: "x\ny" },
    ]);
  });
});

describe("options", () => {
  it("defaults to the full bench and scales the hold with the held count", () => {
    const options = parseOptions([]);
    expect(options).toMatchObject({
      runs: 5000,
      clients: 64,
      held: 5000,
      subscribers: 200,
      warmup: 500,
      repeat: 3,
      burstStreams: 2000,
      listRuns: 100_000,
      pollMs: 5,
      write: true,
      merge: false,
      json: false,
    });
    expect(options.workloads).toEqual([
      "throughput",
      "delivery",
      "held",
      "scaleout",
      "ceiling",
      "peer",
      "webhooks",
      "burst",
      "runs-list",
      "polling",
    ]);
    expect(parseOptions(["--workloads", "polling", "--poll-ms", "20"]).pollMs).toBe(20);
    expect(() => parseOptions(["--poll-ms", "0"])).toThrow(UsageError);
    expect(parseOptions(["--workloads", "webhooks"]).workloads).toEqual(["webhooks"]);
    expect(options.holdMs).toBe(defaultHoldMs(5000));
    expect(defaultHoldMs(500)).toBe(18_000);
    expect(defaultHoldMs(100_000)).toBe(60_000);
  });

  it("keeps the canonical order and refuses unknown names and bad numbers", () => {
    expect(parseOptions(["--hosts", "postgres,sqlite", "--runs", "500", "--no-write"])).toMatchObject({
      hosts: ["sqlite", "postgres"],
      runs: 500,
      held: 500,
      warmup: 50,
      write: false,
    });
    expect(() => parseOptions(["--hosts", "mysql"])).toThrow(UsageError);
    expect(() => parseOptions(["--runs", "0"])).toThrow(UsageError);
    expect(() => parseOptions(["--bogus"])).toThrow(UsageError);
  });
});

describe("colour", () => {
  it("honours NO_COLOR, FORCE_COLOR and dumb terminals", () => {
    expect(wantsColour({ env: {}, isTTY: true })).toBe(true);
    expect(wantsColour({ env: {}, isTTY: false })).toBe(false);
    expect(wantsColour({ env: { NO_COLOR: "1" }, isTTY: true })).toBe(false);
    expect(wantsColour({ env: { NO_COLOR: "" }, isTTY: true })).toBe(true);
    expect(wantsColour({ env: { FORCE_COLOR: "1" }, isTTY: false })).toBe(true);
    expect(wantsColour({ env: { TERM: "dumb" }, isTTY: true })).toBe(false);
  });
});

describe("the closed loop", () => {
  it("runs every run once, counts failures apart, and keeps warm-up out of the figures", async () => {
    const seen: number[] = [];
    const result = await closedLoop({ runs: 40, clients: 8, warmup: 10 }, async (_client, index) => {
      seen.push(index);
      if (index === 3) throw new Error("boom");
      return { createMs: 1, completed: index !== 5 };
    });
    expect(seen).toHaveLength(50);
    expect(result).toMatchObject({ runs: 40, warmupRuns: 10, errors: 1, notCompleted: 1, firstError: "boom" });
    expect(result.createMs.count).toBe(39);
  });
});

describe("repetitions", () => {
  it("keeps the repetition with the median runs/s and lists them all in order", async () => {
    const rates = [500, 900, 700];
    const env = { options: { repeat: 3 }, progress: { step: () => {} } } as unknown as BenchEnvironment;
    const result = await medianOf(env, async () => ({ runsPerSecond: rates.shift() as number, tag: "x" }));
    expect(result).toEqual({ runsPerSecond: 700, tag: "x", repeats: [500, 900, 700] });
  });
});

describe("profiles and machine facts", () => {
  it("attributes self and inclusive time to functions and modules", () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: 0 }, children: [2, 4] },
        {
          id: 2,
          callFrame: { functionName: "handle", url: "file:///r/packages/server/dist/index.js", lineNumber: 9 },
          children: [3],
        },
        {
          id: 3,
          callFrame: {
            functionName: "query",
            url: "file:///r/node_modules/.pnpm/pg@8/node_modules/pg/lib/client.js",
            lineNumber: 0,
          },
        },
        { id: 4, callFrame: { functionName: "(idle)", url: "", lineNumber: 0 } },
      ],
      samples: [2, 3, 3, 4],
      timeDeltas: [1000, 1000, 2000, 5000],
    };
    const summary = summarizeProfile(profile, "p.cpuprofile");
    expect(summary.busyMs).toBe(4);
    expect(summary.byModule).toEqual([
      { name: "pg", percent: 75 },
      { name: "@openwop/server", percent: 25 },
    ]);
    expect(summary.topInclusive[0]).toMatchObject({ percent: 100 });
    expect(summary.topInclusive[0]?.name).toContain("handle");
    expect(moduleOf("node:internal/timers", "processImmediate")).toBe("node (internals)");
    expect(moduleOf("file:///r/examples/hosts/sqlite/dist/main.js", "x")).toBe("host-sqlite");
  });

  it("finds the filesystem of the deepest mount covering a path", () => {
    const mounts = "/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\ntmpfs /tmpx tmpfs rw 0 0\n";
    expect(filesystemOf("/tmp/openwop-bench-1", mounts)).toBe("tmpfs");
    expect(filesystemOf("/work/main", mounts)).toBe("ext4");
  });
});

describe("webhooks", () => {
  const receipt = (runId: string, eventAt: number, receivedAt: number, deliveryId = `${runId}-${eventAt}`) =>
    ({ deliveryId, webhookId: "wh_1", eventType: "node.started", runId, eventAt, receivedAt }) satisfies WebhookReceipt;

  it("reads a delivery's ids and its event's timestamp, and refuses what is not a delivery", () => {
    const body = JSON.stringify({
      runId: "run_1",
      workspaceId: "default",
      event: { type: "run.started", timestamp: "2026-01-01T00:00:00.010Z", sequence: 0 },
    });
    const headers = {
      "x-openwop-delivery-id": "dlv_1",
      "x-openwop-webhook-id": "wh_1",
      "x-openwop-event-type": "run.started",
    };
    expect(receiptOf(headers, body, Date.parse("2026-01-01T00:00:00.025Z"))).toEqual({
      deliveryId: "dlv_1",
      webhookId: "wh_1",
      eventType: "run.started",
      runId: "run_1",
      eventAt: Date.parse("2026-01-01T00:00:00.010Z"),
      receivedAt: Date.parse("2026-01-01T00:00:00.025Z"),
    });
    expect(receiptOf({ "x-openwop-webhook-id": "wh_1" }, body, 0)?.deliveryId).toBe("wh_1/run_1/0");
    expect(receiptOf(headers, "not json", 0)).toBeUndefined();
    expect(receiptOf(headers, JSON.stringify({ runId: "run_1", event: { timestamp: "never" } }), 0)).toBeUndefined();
  });

  it("measures latency as receipt time minus event time, for the counted runs only", () => {
    const receipts = [
      receipt("warm", 0, 500),
      receipt("a", 1000, 1004),
      receipt("a", 1001, 1013),
      receipt("b", 1002, 1102),
    ];
    const counted = receiptsOfRuns(receipts, new Set(["a", "b"]));
    expect(deliveryLatencies(counted)).toEqual([4, 12, 100]);
    expect(summarize(deliveryLatencies(counted))).toMatchObject({ count: 3, p50: 12, p99: 100 });
    expect(lastArrival(counted)).toBe(1102);
    expect(lastArrival([])).toBeNull();
  });

  it("counts deliveries/s within a window and the drain after the load", () => {
    const receipts = [
      receipt("a", 0, 900),
      receipt("a", 1, 1000),
      receipt("a", 2, 1500),
      receipt("a", 3, 2000),
      receipt("a", 4, 3500),
    ];
    expect(deliveriesPerSecond(receipts, 1000, 2000)).toBe(3);
    expect(deliveriesPerSecond(receipts, 1000, 1000)).toBeNull();
    expect(drainSeconds(receipts, 5, 2000)).toBe(1.5);
    expect(drainSeconds(receipts, 5, 4000)).toBe(0);
    expect(drainSeconds(receipts, 6, 2000)).toBeNull();
    expect(drainSeconds([], 0, 2000)).toBeNull();
  });

  it("receives over real HTTP, answers 204, and counts a repeated delivery once", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const post = (deliveryId: string) =>
        fetch(receiver.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-openwop-delivery-id": deliveryId,
            "x-openwop-webhook-id": "wh_1",
          },
          body: JSON.stringify({ runId: "run_1", event: { type: "run.started", timestamp: new Date().toISOString() } }),
        });
      expect((await post("dlv_1")).status).toBe(204);
      await post("dlv_1");
      await post("dlv_2");
      expect((await fetch(receiver.url, { method: "POST", body: "{}" })).status).toBe(204);
      expect(await receiver.waitFor(2, 1_000)).toBe(true);
      expect(receiver.receipts.map((r) => r.deliveryId)).toEqual(["dlv_1", "dlv_2"]);
      expect(receiver.duplicates).toBe(1);
      expect(receiver.malformed).toBe(1);
      expect(await receiver.waitFor(3, 100)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  const throughputWith = (subscriptions: number, runsPerSecond: number): WebhookThroughputResult => ({
    ...throughput(runsPerSecond, 3, 30),
    subscriptions,
    durable: true,
    expectedDeliveries: subscriptions * 5500 * 8,
    deliveries: subscriptions * 5500 * 8,
    duplicates: 0,
    deliveriesPerSecond: subscriptions === 0 ? null : 6400.5,
    drainSeconds: subscriptions === 0 ? null : 1.25,
    drainResources: subscriptions === 0 ? null : { ...resources, wallSeconds: 2, measuredCpuSeconds: 1.9 },
  });
  const latency = (subscriptions: number, p50: number, p99: number): WebhookLatencyResult => ({
    subscriptions,
    runsPerSecond: 10,
    runs: 200,
    warmupRuns: 20,
    expectedDeliveries: 1600 * subscriptions,
    deliveries: 1600 * subscriptions,
    duplicates: 0,
    latencyMs: summary(p50, p99),
    deliveriesPerSecond: 80 * subscriptions,
    errors: 0,
    resources,
  });
  const webhooks = (withRate: number, withoutRate: number): WebhooksResult => ({
    eventTypes: ["run.started", "node.started", "node.completed", "run.completed"],
    eventsPerRun: 8,
    patienceSeconds: 60,
    unsubscribed: throughputWith(0, withoutRate),
    subscribed: throughputWith(1, withRate),
    subscribedOverUnsubscribed: ratio(withRate, withoutRate, 3),
    latency: [latency(1, 4, 21), latency(10, 9, 57)],
  });

  it("meets the target when one subscription costs at most 15% of the runs/s", () => {
    const verdict = (withRate: number, withoutRate: number) =>
      checkTargets({ sqlite: finishHost("sqlite", { webhooks: measured(webhooks(withRate, withoutRate)) }) }).find(
        (t) => t.id === "sqlite-webhook-overhead",
      );
    expect(verdict(900, 1000)).toMatchObject({ met: true, measured: "0.9" });
    expect(verdict(850, 1000)?.met).toBe(true);
    expect(verdict(849, 1000)).toMatchObject({ met: false, measured: "0.849" });
    const unmeasured = checkTargets({ sqlite: finishHost("sqlite", { webhooks: notMeasured("no deliveries") }) });
    expect(unmeasured.find((t) => t.id === "sqlite-webhook-overhead")?.met).toBeNull();
    expect(finishHost("sqlite", {}).ratios.subscribedOverUnsubscribed).toBeUndefined();
  });

  it("renders the webhooks section with both rates, the ratio and its verdict, drain and latencies", () => {
    const sqlite = finishHost("sqlite", { webhooks: measured(webhooks(800, 1000)) });
    const postgres = finishHost("postgres", { webhooks: measured(webhooks(480, 500)) });
    const report = {
      schemaVersion: 1,
      generatedAt: "2026-01-01T00:00:00.000Z",
      command: "./pnpmw bench --workloads webhooks",
      durationSeconds: 60,
      machine: {
        cpuModel: "Test CPU",
        cores: 2,
        memoryGiB: 24,
        os: "Linux",
        node: "v24.0.0",
        postgres: "17",
        scratchFilesystem: "ext4",
        loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
      },
      settings: {
        workloads: ["webhooks"],
        hosts: ["sqlite", "postgres"],
        runs: 5000,
        clients: 64,
        warmup: 500,
        subscribers: 200,
        held: 5000,
        holdMs: 45_000,
        readers: 32,
        repeat: 3,
        hostLogLevel: "info",
        postgres: { sharedBuffers: "256MB", maxConnections: 300, durability: "defaults" },
        sqlite: "WAL",
        hostEnvironment: { A: "1" },
        webhookHostEnvironment: { OPENWOP_WEBHOOK_ALLOW_PRIVATE: "1" },
      },
      hosts: { sqlite, postgres },
      targets: checkTargets({ sqlite, postgres }),
    } satisfies BenchReport;
    const page = renderMarkdown(report);
    const section = page.slice(page.indexOf("## 7. Webhooks"), page.indexOf("## Ratios"));
    expect(section).toContain(
      "| runs/s, no subscription (each repetition) | **1,000** (990 · 1,000 · 1,010) | **500** (490 · 500 · 510) |",
    );
    expect(section).toContain(
      "| runs/s, one subscription (each repetition) | **800** (790 · 800 · 810) | **480** (470 · 480 · 490) |",
    );
    expect(section).toContain(
      "| **one subscription / none** (target ≥ 0.85) | **0.8** **missed** | **0.96** **met** |",
    );
    expect(section).toContain("| deliveries/s during the measured phase | **6,400.5** | **6,400.5** |");
    expect(section).toContain("| drain: last delivery after the last run finished | 1.25 s | 1.25 s |");
    expect(section).toContain("| CPU while draining: host / Postgres | 1.9 s in 2 s / – |");
    expect(section).toContain("| event → delivery p50 / p99, 1 subscription | **4 ms / 21 ms** | **4 ms / 21 ms** |");
    expect(section).toContain("| event → delivery p50 / p99, 10 subscriptions | **9 ms / 57 ms** | **9 ms / 57 ms** |");
    expect(section).toContain("| deliveries/s, 10 subscriptions (offered 800) | 800 | 800 |");
    expect(section).toContain("`run.started`, `node.started`, `node.completed`, `run.completed` (8 events");
    expect(section).toContain("giving up after 60 s without one");
    expect(page).toContain("| SQLite host | one webhook subscription / none | 0.8× |");
    expect(page).toContain("| Added for the webhook workload | OPENWOP_WEBHOOK_ALLOW_PRIVATE=1 |");
    expect(page).toMatch(
      /\| SQLite host \| runs\/s with one webhook subscription over runs\/s with none \| ≥ 0\.85 \(at most 15% slower\) \| 0\.8 \| \*\*missed\*\* \|/,
    );
    expect(renderMarkdown({ ...report, hosts: {}, targets: [] })).not.toContain("## 7. Webhooks");
  });
});

describe("the runs-list workload", () => {
  it("plans finished runs over two tenants and counts what each query should find", () => {
    const end = Date.parse("2026-01-10T00:00:00.000Z");
    const { plan, records } = planRuns(400, end);
    const runs = [...records()];
    expect(runs).toHaveLength(400);
    expect(new Set(runs.map((r) => r.tenantId))).toEqual(new Set(["default", "tenant-b"]));
    expect(runs.every((r) => ["completed", "failed", "cancelled"].includes(r.status))).toBe(true);
    expect(runs.every((r) => r.createdAt < new Date(end).toISOString() && r.completedAt !== null)).toBe(true);
    const mine = runs.filter((r) => r.tenantId === "default");
    expect(plan.tenantRuns).toBe(mine.length);
    expect(plan.matching.tag).toBe(mine.filter((r) => r.tags.includes("nightly")).length);
    expect(plan.matching.window).toBe(
      mine.filter((r) => r.createdAt > plan.createdAfter && r.createdAt < plan.createdBefore).length,
    );
    expect(plan.matching.status).toBeGreaterThan(0);
  });

  // The workload itself, at a few hundred runs: real SQLite host process, real HTTP. Only its
  // structure is asserted, never a latency.
  it("measures every query at both sizes on a real host, with full pages and a deep walk to the end", async () => {
    const options = parseOptions(["--workloads", "runs-list", "--hosts", "sqlite", "--quiet", "--no-write"]);
    const env = await BenchEnvironment.create(options, createProgress(process.stderr, {}, true));
    let result: RunsListResult;
    try {
      result = await measureRunsList(env, "sqlite", {
        smallRuns: 100,
        largeRuns: 300,
        pageLimit: 20,
        deepPages: 50,
        samples: 12,
        clients: 2,
        warmup: 2,
      });
    } finally {
      await env.close();
    }
    expect(result.ratios.map((r) => r.id)).toEqual([...LIST_QUERY_IDS]);
    for (const r of result.ratios) {
      expect(Number.isFinite(r.p50)).toBe(true);
      expect(Number.isFinite(r.p99)).toBe(true);
    }
    for (const size of [result.small, result.large]) {
      expect(size.errors).toBe(0);
      expect(size.queries.map((q) => q.id)).toEqual([...LIST_QUERY_IDS]);
      for (const query of size.queries) {
        expect(query.mismatches, query.firstMismatch).toBe(0);
        expect(query.requests).toBeGreaterThan(0);
        expect(query.latencyMs.count).toBe(query.requests);
        if (query.id !== "deep") {
          expect(query.runsPerPage).toEqual({ min: query.expectedRunsPerPage, max: query.expectedRunsPerPage });
        }
      }
      const deep = size.queries.find((q) => q.id === "deep")?.walk;
      // 50 pages of 20 hold more than either size's tenant has: every walk lists all of them once.
      expect(deep).toMatchObject({ reachedEnd: true, runsPerWalk: size.tenantRuns });
      expect(deep?.pagesPerWalk).toBe(Math.ceil(size.tenantRuns / 20));
    }
    const large = result.large.queries.find((q) => q.id === "first-page");
    expect(large?.runsPerPage).toEqual({ min: 20, max: 20 });
    expect(result.large.runs).toBe(300);
    expect(result.large.tenantRuns).toBeGreaterThan(result.small.tenantRuns);

    // The page shows it, and a --merge keeps what the earlier run measured.
    const sqlite = finishHost("sqlite", { runsList: measured(result) });
    const earlier = finishHost("sqlite", { throughput: measured(throughput(1200, 2, 20)) });
    const machine = {
      cpuModel: "Test CPU",
      cores: 2,
      memoryGiB: 24,
      os: "Linux",
      node: "v24.0.0",
      postgres: null,
      scratchFilesystem: "ext4",
      loadAverage: { start: [1, 1, 1], end: [2, 2, 2] },
    };
    const settings = {
      workloads: ["throughput"],
      hosts: ["sqlite"],
      runs: 500,
      clients: 64,
      warmup: 50,
      subscribers: 200,
      held: 500,
      holdMs: 18_000,
      readers: 32,
      repeat: 3,
      hostLogLevel: "info",
      postgres: { sharedBuffers: "256MB", maxConnections: 300, durability: "defaults" },
      sqlite: "WAL",
      hostEnvironment: { A: "1" },
    };
    const before: BenchReport = {
      schemaVersion: 1,
      generatedAt: "2026-01-01T00:00:00.000Z",
      command: "./pnpmw bench",
      durationSeconds: 900,
      machine,
      settings,
      hosts: { sqlite: earlier },
      targets: checkTargets({ sqlite: earlier }),
    };
    const now: BenchReport = {
      ...before,
      generatedAt: "2026-01-02T00:00:00.000Z",
      command: "./pnpmw bench --workloads runs-list --merge",
      durationSeconds: 120,
      settings: { ...settings, workloads: ["runs-list"], listRuns: 300 },
      hosts: { sqlite },
      targets: checkTargets({ sqlite }),
    };
    const merged = mergeReports(before, now);
    expect(merged.hosts.sqlite?.throughput).toEqual(earlier.throughput);
    expect(merged.hosts.sqlite?.runsList).toEqual(sqlite.runsList);
    expect(merged.hosts.sqlite?.ratios.runsListWorstP50).toBe(Math.max(...result.ratios.map((r) => r.p50 as number)));
    expect(merged.settings).toMatchObject({ workloads: ["throughput", "runs-list"], listRuns: 300, runs: 500 });
    expect(merged.merged).toEqual([expect.objectContaining({ command: now.command, workloads: ["runs-list"] })]);
    const page = renderMarkdown(merged);
    expect(page).toContain("## 1. Throughput");
    expect(page).toContain("## 9. Listing runs with many in storage");
    expect(page).toContain("| (f) deep paging (pages after the first) |");
    expect(page).toContain(
      "Merged in later (`--merge`): runs-list on sqlite, by `./pnpmw bench --workloads runs-list --merge`",
    );
    expect(page).toContain("GET /v1/runs p50, many runs stored / few (highest query)");
  }, 120_000);
});

describe("the polling workload", () => {
  // A tiny run on a real SQLite host process over real HTTP: the structure of the result and
  // that every run completed are asserted, never a rate or a latency.
  it("creates every run, polls each to a terminal status, and feeds the targets, ratio and page", async () => {
    const options = parseOptions([
      "--workloads",
      "polling",
      "--hosts",
      "sqlite",
      "--runs",
      "6",
      "--clients",
      "2",
      "--warmup",
      "2",
      "--repeat",
      "1",
      "--quiet",
      "--no-write",
    ]);
    expect(options.pollMs).toBe(5);
    const env = await BenchEnvironment.create(options, createProgress(process.stderr, {}, true));
    let result: PollingResult;
    try {
      result = await measurePolling(env, "sqlite");
    } finally {
      await env.close();
    }
    expect(result).toMatchObject({
      runs: 6,
      clients: 2,
      warmupRuns: 2,
      pollMs: 5,
      notCompleted: 0,
      errors: 0,
      hostProcesses: 1,
      sseRunsPerSecond: null,
    });
    expect(result.firstError).toBeUndefined();
    expect(result.repeats).toHaveLength(1);
    expect(result.createMs.count).toBe(6);
    expect(result.createToTerminalMs.count).toBe(6);
    // At least the one read per run that saw it terminal; warm-up reads are not counted.
    expect(result.statusReads).toBeGreaterThanOrEqual(6);
    expect(result.statusReadMs.count).toBe(result.statusReads);
    expect(result.readsPerRun).toBeGreaterThanOrEqual(1);
    expect(result.resources.measuredCpuSeconds).not.toBeNull();
    expect(result.resources.postgresCpuSeconds).toBeNull();

    // Alone, the ratio has no SSE figure of the same run; with one it is polling over SSE.
    const alone = finishHost("sqlite", { polling: measured(result) });
    expect(alone.ratios.pollingOverSse).toBeNull();
    const targets = checkTargets({ sqlite: alone });
    for (const id of ["sqlite-polling-throughput", "sqlite-polling-post-p99"]) {
      expect(targets.find((t) => t.id === id)?.met, id).not.toBeNull();
    }
    const polling = { ...result, runsPerSecond: 900, sseRunsPerSecond: 1200 };
    const both = finishHost("sqlite", { throughput: measured(throughput(1200, 2, 20)), polling: measured(polling) });
    expect(both.ratios.pollingOverSse).toBe(0.75);
    const verdicts = checkTargets({ sqlite: both });
    expect(verdicts.find((t) => t.id === "sqlite-polling-throughput")).toMatchObject({
      met: false,
      measured: "900 runs/s",
      target: "≥ 1000 runs/s",
    });
    const report: BenchReport = {
      schemaVersion: 1,
      generatedAt: "2026-01-01T00:00:00.000Z",
      command: "./pnpmw bench --workloads throughput,polling",
      durationSeconds: 60,
      machine: {
        cpuModel: "Test CPU",
        cores: 2,
        memoryGiB: 24,
        os: "Linux",
        node: "v24.0.0",
        postgres: null,
        scratchFilesystem: "ext4",
        loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
      },
      settings: {
        workloads: ["throughput", "polling"],
        hosts: ["sqlite"],
        runs: 6,
        clients: 2,
        warmup: 2,
        subscribers: 200,
        held: 6,
        holdMs: 15_000,
        readers: 32,
        repeat: 1,
        pollMs: 5,
        hostLogLevel: "info",
        postgres: { sharedBuffers: "256MB", maxConnections: 300, durability: "defaults" },
        sqlite: "WAL",
        hostEnvironment: { A: "1" },
      },
      hosts: { sqlite: both },
      targets: verdicts,
    };
    const page = renderMarkdown(report);
    expect(page).toContain("## 10. Throughput, polling instead of SSE");
    expect(page).toContain("| runs/s polling GET /v1/runs/{id} / runs/s over SSE (same bench run) | 0.75× |");
    expect(page).toContain(
      "| SQLite host | runs/s, 3-node chain, 2 clients polling GET /v1/runs/{id} every 5 ms | ≥ 1000 runs/s | 900 runs/s | **missed** |",
    );

    // --merge of a polling-only run keeps the throughput figures it did not measure.
    const merged = mergeReports(
      { ...report, hosts: { sqlite: finishHost("sqlite", { throughput: measured(throughput(1200, 2, 20)) }) } },
      { ...report, settings: { ...report.settings, workloads: ["polling"] }, hosts: { sqlite: alone } },
    );
    expect(merged.hosts.sqlite?.throughput).toEqual(both.throughput);
    expect(merged.hosts.sqlite?.polling).toEqual(alone.polling);
    expect(merged.settings.pollMs).toBe(5);
  }, 60_000);
});
