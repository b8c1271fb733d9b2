import { describe, expect, it } from "vitest";
import { fitEvents, type FitInput } from "./fit-events.js";

/** Ten 100-byte events, every one on its own node; the skeleton is 200 bytes, 40 more when truncated. */
function input(overrides: Partial<FitInput>): FitInput {
  const eventBytes = Array.from({ length: 10 }, () => 100);
  return {
    skeletonBytes: (reason) => (reason === undefined ? 200 : 240),
    eventBytes,
    nodeCounts: eventBytes.map((_, i) => i).concat(eventBytes.length),
    logLength: 10,
    maxBytes: 1_000_000,
    ...overrides,
  };
}

// With k events: skeleton + 100k + (k - 1) commas + one extra digit once a count reaches 10.
describe("fitEvents", () => {
  it("keeps the whole log when it fits", () => {
    expect(fitEvents(input({}))).toEqual({ count: 10 });
    expect(fitEvents(input({ maxBytes: 200 + 1000 + 9 + 2 }))).toEqual({ count: 10 });
  });

  it("cuts to maxEvents when the cap allows that many", () => {
    expect(fitEvents(input({ maxEvents: 4 }))).toEqual({ count: 4, reason: "events_truncated_to_max_events" });
    expect(fitEvents(input({ maxEvents: 10 }))).toEqual({ count: 10 });
  });

  it("cuts to the cap, one byte short of the whole log", () => {
    expect(fitEvents(input({ maxBytes: 200 + 1000 + 9 + 1 }))).toEqual({
      count: 9,
      reason: "events_truncated_to_size_cap",
    });
  });

  it("names the cap when it cuts deeper than maxEvents, and maxEvents when it does not", () => {
    const fitsThree = 240 + 300 + 2;
    expect(fitEvents(input({ maxEvents: 6, maxBytes: fitsThree }))).toEqual({
      count: 3,
      reason: "events_truncated_to_size_cap",
    });
    expect(fitEvents(input({ maxEvents: 2, maxBytes: fitsThree }))).toEqual({
      count: 2,
      reason: "events_truncated_to_max_events",
    });
  });

  it("keeps no event when the skeleton alone is over the cap, and claims no cut for an empty log", () => {
    expect(fitEvents(input({ maxBytes: 100 }))).toEqual({ count: 0, reason: "events_truncated_to_size_cap" });
    expect(fitEvents(input({ eventBytes: [], nodeCounts: [0], logLength: 0, maxBytes: 100 }))).toEqual({ count: 0 });
  });

  it("works from a read prefix shorter than the log", () => {
    expect(fitEvents(input({ eventBytes: [100, 100, 5000], nodeCounts: [0, 1, 2, 3], maxBytes: 600 }))).toEqual({
      count: 2,
      reason: "events_truncated_to_size_cap",
    });
  });
});
