import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "./audit.js";
import { Cluster } from "./cluster.js";
import { drain } from "./drain.js";
import {
  checkDelivered,
  checkFollowed,
  checkRunLog,
  checkStoredCount,
  checkUnchanged,
  type LoggedEvent,
} from "./invariants.js";
import { Ledger } from "./ledger.js";
import { LoadGenerator } from "./load.js";
import { parseOptions, UsageError } from "./options.js";
import { createProgress, SILENT, wantsColour } from "./progress.js";
import { Random } from "./random.js";
import { WebhookReceiver } from "./receiver.js";
import { BEGIN_MARKER, END_MARKER, spliceFigures, type SoakReport } from "./report.js";
import { runSoak } from "./run.js";
import { writeWorkflowsDir } from "./workflows.js";

const log = (...types: string[]): LoggedEvent[] => types.map((type, sequence) => ({ sequence, type }));

describe("invariants", () => {
  it("holds for a gapless log with one terminal event last", () => {
    const events = log("run.started", "node.started", "node.completed", "run.completed").map((e) =>
      e.type.startsWith("node.") ? { ...e, nodeId: "a" } : e,
    );
    expect(checkRunLog("r", { found: true, events }, "run.completed")).toEqual([]);
  });

  it("reports a lost run, a gap, a second terminal event, a wrong end and a node that ran twice", () => {
    expect(checkRunLog("r", { found: false, status: 404 }, "run.completed")[0]).toMatch(/lost/);
    const gap = [
      { sequence: 0, type: "run.started" },
      { sequence: 2, type: "run.completed" },
    ];
    expect(checkRunLog("r", { found: true, events: gap }, "run.completed").join()).toMatch(/gapless/);
    expect(
      checkRunLog("r", { found: true, events: log("run.completed", "run.failed") }, "run.completed").join(),
    ).toMatch(/2 terminal events/);
    expect(checkRunLog("r", { found: true, events: log("run.started") }, "run.completed").join()).toMatch(
      /not a terminal event/,
    );
    expect(checkRunLog("r", { found: true, events: log("run.completed") }, "run.cancelled").join()).toMatch(/expected/);
    const twice = [
      { sequence: 0, type: "node.started", nodeId: "a" },
      { sequence: 1, type: "node.started", nodeId: "a" },
      { sequence: 2, type: "run.completed" },
    ];
    expect(checkRunLog("r", { found: true, events: twice }, "run.completed").join()).toMatch(/second node.started/);
  });

  it("reports a verified run that changed or vanished, a follower that missed frames, a lost delivery", () => {
    const before = { events: 2, terminalType: "run.completed" };
    expect(checkUnchanged("r", before, { found: true, events: log("run.started", "run.completed") })).toEqual([]);
    expect(checkUnchanged("r", before, { found: false, status: 404 })[0]).toMatch(/lost/);
    expect(checkUnchanged("r", before, { found: true, events: log("run.completed") })[0]).toMatch(/changed/);
    const events = log("run.started", "run.completed");
    expect(checkFollowed("r", events, true, events)).toEqual([]);
    expect(checkFollowed("r", events.slice(1), true, events)[0]).toMatch(/saw/);
    expect(checkFollowed("r", events.slice(0, 1), false, events)[0]).toMatch(/never saw a terminal/);
    expect(checkDelivered(["r:1"], new Set(["r:1"]))).toEqual([]);
    expect(checkDelivered(["r:1", "r:3"], new Set(["r:1"]))[0]).toMatch(/r:3/);
  });

  it("bounds the runs in storage by what was acknowledged and what got no answer", () => {
    expect(checkStoredCount(10, 10, 0)).toEqual([]);
    expect(checkStoredCount(12, 10, 2)).toEqual([]);
    expect(checkStoredCount(9, 10, 5)[0]).toMatch(/fewer/);
    expect(checkStoredCount(11, 10, 0)[0]).toMatch(/more than/);
  });

  it("counts a second run for one idempotency key as a violation", () => {
    const ledger = new Ledger();
    ledger.answerForKey("k", "run-1", {});
    ledger.answerForKey("k", "run-1", {});
    expect(ledger.violations).toEqual([]);
    ledger.answerForKey("k", "run-2", {});
    expect(ledger.violations[0]).toMatch(/answered run run-2 after having answered run-1/);
  });
});

describe("options, progress and the page", () => {
  it("parses cycles per host kind, hosts and switches", () => {
    const defaults = parseOptions([], 7);
    expect(defaults).toMatchObject({ cycles: { sqlite: 100, postgres: 50 }, hosts: ["sqlite", "postgres"], seed: 7 });
    expect(defaults.write).toBe(true);
    expect(parseOptions(["--cycles", "5"]).cycles).toEqual({ sqlite: 5, postgres: 5 });
    expect(parseOptions(["--cycles", "5", "--postgres-cycles", "2"]).cycles).toEqual({ sqlite: 5, postgres: 2 });
    expect(parseOptions(["--hosts", "postgres,sqlite", "--no-write", "--json"])).toMatchObject({
      hosts: ["sqlite", "postgres"],
      write: false,
      json: true,
    });
    expect(() => parseOptions(["--cycles", "0"])).toThrow(UsageError);
    expect(() => parseOptions(["--hosts", "mysql"])).toThrow(UsageError);
    expect(() => parseOptions(["--frobnicate"])).toThrow(UsageError);
  });

  it("honours NO_COLOR", () => {
    expect(wantsColour({ NO_COLOR: "1" }, true)).toBe(false);
    expect(wantsColour({}, true)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: "1" }, false)).toBe(true);
    let written = "";
    const write = (chunk: string): boolean => {
      written += chunk;
      return true;
    };
    const stream = { isTTY: true, write } as unknown as NodeJS.WritableStream;
    createProgress(stream, { NO_COLOR: "1" }).fail("x");
    expect(written).not.toContain("\u001b[");
  });

  it("rewrites only the generated part of docs/reliability.md", () => {
    const report = {
      schemaVersion: 1,
      generatedAt: "2026-01-01T00:00:00Z",
      command: "./pnpmw soak",
      seed: 1,
      durationSeconds: 61,
      machine: { cpu: "cpu", cores: 2, memoryGiB: 4, os: "linux", node: "v24", loadAtStart: 0 },
      kinds: [],
      passed: true,
    } satisfies SoakReport;
    const page = `# Reliability\n\nprose before\n\n${BEGIN_MARKER}\nold figures\n${END_MARKER}\n\nprose after\n`;
    const spliced = spliceFigures(page, report);
    expect(spliced).toContain("prose before");
    expect(spliced).toContain("prose after");
    expect(spliced).not.toContain("old figures");
    expect(spliced).toContain("`./pnpmw soak`");
    expect(spliceFigures(undefined, report)).toContain(END_MARKER);
  });
});

describe("against real host processes", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-soak-test-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports an acknowledged run the store does not hold as lost", async () => {
    const workflowsDir = await writeWorkflowsDir(join(dir, "workflows"));
    const cluster = await Cluster.start("sqlite", "hk_test_soak_lost", workflowsDir, { sqliteDir: dir });
    const receiver = await WebhookReceiver.start();
    try {
      const ledger = new Ledger();
      const random = new Random(1);
      const load = new LoadGenerator(cluster, ledger, random);
      // A run the client was told of, but that the store never kept.
      ledger.acknowledge({ runId: "run_that_was_lost", kind: "plain", workflowId: "conformance-noop" });
      await drain(cluster, ledger, load, random, 5_000);
      await audit(cluster, ledger, load, receiver, random, Date.now());
      expect(ledger.violations.join("\n")).toMatch(/acknowledged run run_that_was_lost is lost/);
      expect(ledger.violations.join("\n")).toMatch(/fewer than the 1 acknowledged/);
    } finally {
      await cluster.close();
      await receiver.close();
    }
  });

  it("5 cycles of load and SIGKILL on each host kind break no invariant", async () => {
    const report = await runSoak(
      { hosts: ["sqlite", "postgres"], cycles: { sqlite: 5, postgres: 5 }, seed: 14 },
      process.env["SOAK_TEST_PROGRESS"] ? createProgress(process.stderr, process.env) : SILENT,
      "vitest",
      // Shorter load windows than the CLI's: fewer runs per cycle, the same kills and checks.
      { minLoadMs: 200, maxLoadMs: 900, drainTimeoutMs: 45_000 },
    );
    expect(report.kinds.flatMap((k) => k.violations)).toEqual([]);
    expect(report.passed).toBe(true);
    for (const kind of report.kinds) {
      expect(kind.cycles).toBe(5);
      expect(kind.kills).toBeGreaterThanOrEqual(5);
      expect(kind.runsAcknowledged).toBeGreaterThan(0);
      expect(kind.eventsChecked).toBeGreaterThan(kind.runsAcknowledged);
      expect(kind.idempotentRetries).toBeGreaterThan(0);
      expect(kind.deliveriesChecked).toBeGreaterThan(0);
    }
  }, 110_000);
});
