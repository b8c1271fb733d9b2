import { describe, expect, it } from "vitest";
import { RecentEvents } from "./recent-events.js";
import type { RunEvent } from "./records.js";

const event = (sequence: number): RunEvent => ({
  eventId: `e${sequence}`,
  runId: "r",
  type: "node.progress",
  payload: { sequence },
  timestamp: "2030-01-01T00:00:00.000Z",
  sequence,
});

describe("RecentEvents", () => {
  it("answers reads that start inside a contiguous stretch, with fresh objects, and nothing else", () => {
    const recent = new RecentEvents(3);
    recent.record("r", [event(3), event(4)]);
    expect(recent.read("r", 4, 10)?.map((e) => e.sequence)).toEqual([4]);
    expect(recent.read("r", 2, 10)).toBeUndefined();
    expect(recent.read("r", 5, 10)).toBeUndefined();
    const first = recent.read("r", 3, 1);
    (first?.[0]?.payload as { sequence: number }).sequence = 99;
    expect(recent.read("r", 3, 1)?.[0]?.payload).toEqual({ sequence: 3 });
    recent.record("r", [event(5), event(6)]);
    expect(recent.read("r", 3, 10)).toBeUndefined();
    expect(recent.read("r", 4, 10)?.map((e) => e.sequence)).toEqual([4, 5, 6]);
    recent.record("r", [event(9)]);
    expect(recent.read("r", 4, 10)).toBeUndefined();
  });

  it("answers a tenant-scoped read only for the tenant a database read confirmed, until the run is forgotten", () => {
    const recent = new RecentEvents();
    recent.record("r", [event(0), event(1)]);
    expect(recent.read("r", 0, 10, "tenant-a")).toBeUndefined();
    recent.noteTenant("r", "tenant-a");
    expect(recent.read("r", 0, 10, "tenant-a")?.map((e) => e.sequence)).toEqual([0, 1]);
    expect(recent.read("r", 0, 10, "tenant-b")).toBeUndefined();
    expect(recent.read("r", 1, 10)?.map((e) => e.sequence)).toEqual([1]);
    recent.forget("r");
    recent.record("r", [event(2)]);
    expect(recent.read("r", 2, 10, "tenant-a")).toBeUndefined();
  });
});
