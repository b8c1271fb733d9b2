import { describe, expect, it } from "vitest";
import type { ProfileId } from "../profiles/catalog.js";
import { always } from "./gates.js";
import type { ScenarioRun } from "./scenario.js";
import { applyStrictness } from "./strictness.js";

const skipRun = (profiles: ProfileId[], advertised: boolean): ScenarioRun => ({
  scenario: { id: "s", title: "s", profiles, spec: "spec/v1/core.md §1", gate: always, run: async () => undefined },
  outcome: "skip",
  durationMs: 1,
  assertions: 0,
  message: "why",
  advertised,
});
const holds = new Map<ProfileId, boolean>([
  ["openwop-core-standard", true],
  ["openwop-production", false],
]);

describe("applyStrictness", () => {
  it("leaves every skip alone without --require-behavior", () => {
    expect(
      applyStrictness(skipRun(["openwop-core-standard"], true), holds, { requireBehavior: false, optOutProfiles: [] })
        .outcome,
    ).toBe("skip");
  });

  it("fails a skip of an advertised capability", () => {
    const run = applyStrictness(skipRun(["openwop-production"], true), holds, {
      requireBehavior: true,
      optOutProfiles: [],
    });
    expect(run.outcome).toBe("fail");
    expect(run.message).toMatch(/advertised but untested: why/);
  });

  it("fails a skip inside a profile whose predicate holds", () => {
    const run = applyStrictness(skipRun(["openwop-core-standard"], false), holds, {
      requireBehavior: true,
      optOutProfiles: [],
    });
    expect(run.outcome).toBe("fail");
    expect(run.message).toMatch(/inside openwop-core-standard/);
  });

  it("keeps a skip of something neither advertised nor claimed", () => {
    expect(
      applyStrictness(skipRun(["openwop-production"], false), holds, { requireBehavior: true, optOutProfiles: [] })
        .outcome,
    ).toBe("skip");
  });

  it("keeps a skip whose every profile is honestly opted out, and says so", () => {
    const run = applyStrictness(skipRun(["openwop-production"], true), holds, {
      requireBehavior: true,
      optOutProfiles: ["openwop-production"],
    });
    expect(run.outcome).toBe("skip");
    expect(run.message).toMatch(/opted out/);
  });
});
