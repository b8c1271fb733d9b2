import { describe, expect, it } from "vitest";
import { validateDebugBundle } from "@openwop/schema";
import type { JsonObject, ReadEventsOptions, RunEvent, RunRecord, StorageAdapter } from "@openwop/storage";
import type { DebugBundle } from "@openwop/types";
import { buildDebugBundle, type DebugBundleRequest } from "./build-bundle.js";

const HOST = { name: "test-host", version: "1.2.3", vendor: "tests" };
const NOW = () => Date.parse("2026-02-01T00:00:00.000Z");

/**
 * The event log as the storage SPI serves it: pages from a sequence, copies out. It also
 * counts how many events were handed out, to show the builder stops reading early.
 */
class EventLog implements Pick<StorageAdapter, "readEvents" | "latestEvent"> {
  served = 0;
  constructor(readonly events: RunEvent[]) {}
  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<RunEvent[]> {
    const from = options.fromSequence ?? 0;
    const page = this.events.filter((e) => e.runId === runId && e.sequence >= from).slice(0, options.limit ?? 100);
    this.served += page.length;
    return structuredClone(page);
  }
  async latestEvent(runId: string): Promise<RunEvent | null> {
    return structuredClone(this.events.filter((e) => e.runId === runId).at(-1) ?? null);
  }
}

function event(sequence: number, type: string, payload: JsonObject, nodeId?: string): RunEvent {
  return {
    eventId: `run-1-${sequence}`,
    runId: "run-1",
    type,
    payload,
    timestamp: new Date(Date.parse("2026-01-01T00:00:00.000Z") + sequence).toISOString(),
    sequence,
    schemaVersion: 1,
    engineVersion: "1",
    ...(nodeId ? { nodeId } : {}),
  };
}

/** run.started, then started/completed for `nodes` nodes, then run.completed (unless `terminal` is false). */
function log(nodes: number, pad: (i: number) => string = () => "", terminal = true): RunEvent[] {
  const events: RunEvent[] = [event(0, "run.started", { workflowId: "wf" })];
  for (let i = 0; i < nodes; i += 1) {
    events.push(event(events.length, "node.started", { nodeId: `n${i}` }, `n${i}`));
    events.push(event(events.length, "node.completed", { nodeId: `n${i}`, outputs: { text: pad(i) } }, `n${i}`));
  }
  if (terminal) events.push(event(events.length, "run.completed", { outputs: {} }));
  return events;
}

function run(events: RunEvent[], overrides: Partial<RunRecord> = {}): RunRecord {
  const terminal = events.at(-1)?.type === "run.completed";
  return {
    runId: "run-1",
    tenantId: "t1",
    workflowId: "wf",
    status: terminal ? "completed" : "running",
    definition: { id: "wf", variables: [{ name: "secretNote", type: "string", sensitive: true }], nodes: [] },
    inputs: { region: "eu" },
    variables: { region: "eu" },
    configurable: {},
    tags: ["t"],
    metadata: { m: 1 },
    currentNodeId: null,
    error: null,
    engineState: { nodes: {} },
    cancelRequested: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    completedAt: terminal ? "2026-01-01T00:00:05.000Z" : null,
    updatedAt: "2026-01-01T00:00:05.000Z",
    claim: null,
    lastSequence: events.length - 1,
    ...overrides,
  };
}

async function build(
  events: RunEvent[],
  options: Partial<DebugBundleRequest> = {},
): Promise<{ bundle: DebugBundle; json: string; store: EventLog }> {
  const store = new EventLog(events);
  const built = await buildDebugBundle({
    run: run(events),
    store,
    host: HOST,
    maxBytes: 8 * 1024 * 1024,
    now: NOW,
    ...options,
  });
  return { ...built, store };
}

const bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/** The serialized size the bundle would have with one more event of `from`: what maximality is checked against. */
function sizeWithOneMore(bundle: DebugBundle, from: RunEvent[]): number {
  const events = from.slice(0, bundle.events.length + 1);
  const nodeCount = new Set(events.flatMap((e) => (e.nodeId ? [e.nodeId] : []))).size;
  return bytes(
    JSON.stringify({ ...bundle, events, metrics: { ...bundle.metrics, eventCount: events.length, nodeCount } }),
  );
}

function expectValid(bundle: DebugBundle, json: string): void {
  const checked = validateDebugBundle(JSON.parse(json));
  expect(checked.valid ? [] : checked.errors).toEqual([]);
  expect(json).toBe(JSON.stringify(bundle));
  expect(bundle.metrics.eventCount).toBe(bundle.events.length);
  expect(bundle.events.map((e) => e.sequence)).toEqual(bundle.events.map((_, i) => i));
}

describe("buildDebugBundle: the whole log", () => {
  it("carries every event in order, counts, the host, and only the run members the schema allows", async () => {
    const events = log(3);
    const { bundle, json } = await build(events);
    expectValid(bundle, json);
    expect(bundle.truncated).toBe(false);
    expect(bundle.truncatedReason).toBeUndefined();
    expect(bundle.events).toEqual(events);
    expect(bundle.metrics).toEqual({ eventCount: events.length, nodeCount: 3, openwopCost: null });
    expect(bundle.host).toEqual(HOST);
    expect(bundle.generatedAt).toBe("2026-02-01T00:00:00.000Z");
    expect(bundle.spans).toEqual([]);
    expect(bundle.redactionApplied).toBe(true);
    expect(bundle.redactionMode).toBe("mask");
    expect(bundle.run).toEqual({
      runId: "run-1",
      workflowId: "wf",
      status: "completed",
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: events.at(-1)?.timestamp,
      inputs: { region: "eu" },
      variables: { region: "eu" },
    });
  });

  it("reads a log longer than one page, and nothing past the run record's last sequence", async () => {
    const events = log(600, () => "", false);
    const { bundle, json } = await buildDebugBundle({
      run: run(events, { lastSequence: 1099 }),
      store: new EventLog(events),
      host: HOST,
      maxBytes: 8 * 1024 * 1024,
      now: NOW,
    });
    expectValid(bundle, json);
    expect(bundle.events).toHaveLength(1100);
    expect(bundle.truncated).toBe(false);
    expect(bundle.run.status).toBe("running");
    expect(bundle.run.endedAt).toBeUndefined();
  });

  it("serves an empty log of a pending run untruncated", async () => {
    const { bundle, json } = await buildDebugBundle({
      run: run([], { status: "pending", startedAt: null }),
      store: new EventLog([]),
      host: HOST,
      maxBytes: 1024,
      now: NOW,
    });
    expectValid(bundle, json);
    expect(bundle.events).toEqual([]);
    expect(bundle.truncated).toBe(false);
    expect(bundle.run.startedAt).toBeUndefined();
  });
});

describe("buildDebugBundle: redaction", () => {
  it("never lets a planted secret into the serialized bundle", async () => {
    const apiKey = "hk_live_AbCdEf0123456789xyzXYZ";
    const events = log(1);
    events.splice(
      1,
      0,
      event(1, "log.appended", {
        request: { headers: { authorization: "Bearer abc.def" } },
        echoed: [{ note: `key ${apiKey}` }],
      }),
    );
    for (const [i, e] of events.entries()) e.sequence = i;
    events.push(
      event(events.length, "variable.changed", {
        name: "secretNote",
        previous: "the-secret-note",
        next: "another-secret-note",
      }),
    );
    const store = new EventLog(events);
    const { bundle, json } = await buildDebugBundle({
      run: run(events, {
        status: "failed",
        inputs: { apiKey, note: "Bearer abc.def", secretNote: "the-secret-note" },
        variables: { secretNote: "the-secret-note", deep: [{ password: "hunter22" }] },
        error: { code: "node_error", message: `provider said no to ${apiKey}`, details: { stack: "at /srv/app.js:1" } },
      }),
      store,
      host: HOST,
      maxBytes: 1_000_000,
      now: NOW,
    });
    expectValid(bundle, json);
    for (const secret of [apiKey, "abc.def", "the-secret-note", "another-secret-note", "hunter22", "/srv/app.js"])
      expect(json).not.toContain(secret);
    expect(bundle.run.inputs).toEqual({ apiKey: "[REDACTED]", note: "[REDACTED]", secretNote: "[REDACTED]" });
  });
});

describe("buildDebugBundle: maxEvents", () => {
  it("keeps the first maxEvents events of a longer log and says why", async () => {
    const events = log(4);
    const { bundle, json } = await build(events, { maxEvents: 3 });
    expectValid(bundle, json);
    expect(bundle.events).toEqual(events.slice(0, 3));
    expect(bundle.truncated).toBe(true);
    expect(bundle.truncatedReason).toBe("events_truncated_to_max_events");
    expect(bundle.metrics.nodeCount).toBe(1);
  });

  it("is not truncated when the log is no longer than maxEvents", async () => {
    const events = log(2);
    for (const maxEvents of [events.length, events.length + 5]) {
      const { bundle } = await build(events, { maxEvents });
      expect(bundle.truncated).toBe(false);
      expect(bundle.events).toHaveLength(events.length);
    }
  });

  it("reads no more of the log than maxEvents needs", async () => {
    const events = log(600);
    const { store } = await build(events, { maxEvents: 2 });
    expect(store.served).toBe(2);
  });
});

describe("buildDebugBundle: the size cap", () => {
  const events = log(12, (i) => "x".repeat(40 + i * 13));

  it("keeps the whole log at exactly its size and cuts it one byte below", async () => {
    const full = await build(events);
    const size = bytes(full.json);
    expect((await build(events, { maxBytes: size })).bundle.truncated).toBe(false);
    const cut = await build(events, { maxBytes: size - 1 });
    expectValid(cut.bundle, cut.json);
    expect(cut.bundle.truncated).toBe(true);
    expect(cut.bundle.truncatedReason).toBe("events_truncated_to_size_cap");
    expect(bytes(cut.json)).toBeLessThanOrEqual(size - 1);
  });

  it("keeps the longest prefix that fits under every cap, measured in UTF-8 bytes", async () => {
    const wide = log(8, (i) => "é🙂ü".repeat(5 + i * 3));
    const skeleton = bytes((await build(wide, { maxEvents: 1 })).json);
    const full = bytes((await build(wide)).json);
    const counts = new Set<number>();
    for (let cap = skeleton - 60; cap < full + 17; cap += 17) {
      const { bundle, json } = await build(wide, { maxBytes: cap });
      expectValid(bundle, json);
      counts.add(bundle.events.length);
      if (bundle.truncated) {
        expect(bundle.truncatedReason).toBe("events_truncated_to_size_cap");
        expect(sizeWithOneMore(bundle, wide)).toBeGreaterThan(cap);
        if (bundle.events.length > 0) expect(bytes(json)).toBeLessThanOrEqual(cap);
      } else {
        expect(bundle.events).toHaveLength(wide.length);
        expect(bytes(json)).toBeLessThanOrEqual(cap);
      }
    }
    // Every prefix length from none to the whole log was produced by some cap.
    expect([...counts].sort((a, b) => a - b).join(",")).toEqual(
      wide
        .map((_, i) => i)
        .concat(wide.length)
        .join(","),
    );
  });

  it("stops at an event larger than the cap, keeping the events before it", async () => {
    const withHuge = log(3);
    (withHuge[3] as RunEvent).payload = { nodeId: "n1", outputs: { text: "y".repeat(20_000) } };
    const { bundle, json } = await build(withHuge, { maxBytes: 4096 });
    expectValid(bundle, json);
    expect(bundle.events).toEqual(withHuge.slice(0, 3));
    expect(bundle.truncatedReason).toBe("events_truncated_to_size_cap");
    expect(bytes(json)).toBeLessThanOrEqual(4096);
  });

  it("keeps no event when the first one is larger than the cap", async () => {
    const first = log(1);
    (first[0] as RunEvent).payload = { workflowId: "wf", blob: "z".repeat(10_000) };
    const { bundle, json } = await build(first, { maxBytes: 2048 });
    expectValid(bundle, json);
    expect(bundle.events).toEqual([]);
    expect(bundle.metrics).toEqual({ eventCount: 0, nodeCount: 0, openwopCost: null });
    expect(bundle.truncated).toBe(true);
    expect(bundle.truncatedReason).toBe("events_truncated_to_size_cap");
  });

  it("names the limit that cut deeper when both apply", async () => {
    const size = bytes((await build(events, { maxEvents: 4 })).json);
    const sizeCut = await build(events, { maxEvents: 8, maxBytes: size });
    expect(sizeCut.bundle.truncatedReason).toBe("events_truncated_to_size_cap");
    expect(sizeCut.bundle.events.length).toBeLessThan(8);
    const countCut = await build(events, { maxEvents: 2, maxBytes: size });
    expect(countCut.bundle.truncatedReason).toBe("events_truncated_to_max_events");
    expect(countCut.bundle.events).toHaveLength(2);
  });

  it("stops reading the log once no further event could fit", async () => {
    const long = log(600, () => "p".repeat(100));
    const { store, bundle } = await build(long, { maxBytes: 8192 });
    expect(bundle.truncated).toBe(true);
    expect(store.served).toBeLessThan(long.length);
  });
});
