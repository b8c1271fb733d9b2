import { describe, expect, it } from "vitest";
import type { Capabilities } from "@openwop/types";
import type { ScenarioOutcome } from "@openwop/types";
import { always } from "../runner/gates.js";
import type { Scenario, ScenarioRun } from "../runner/scenario.js";
import type { ProfileId } from "./catalog.js";
import { profileVerdicts } from "./verdicts.js";

const base: Capabilities = {
  protocolVersion: "1.0",
  supportedEnvelopes: ["clarification.request"],
  schemaVersions: {},
  limits: { clarificationRounds: 3, schemaRounds: 2, envelopesPerTurn: 5 },
  fixtures: ["conformance-noop"],
};
const scenario = (id: string, profiles: ProfileId[]): Scenario => ({
  id,
  title: id,
  profiles,
  spec: "spec/v1/core.md §1",
  gate: always,
  run: async () => undefined,
});
const registry = [
  scenario("discovery", ["openwop-core", "openwop-fixtures", "openwop-production"]),
  scenario("fixture-x", ["openwop-fixtures"]),
];
const ran = (id: string, outcome: ScenarioOutcome): ScenarioRun => ({
  scenario: registry.find((entry) => entry.id === id) as Scenario,
  outcome,
  durationMs: 0,
  assertions: 1,
});
const verdict = (verdicts: ReturnType<typeof profileVerdicts>, id: ProfileId) =>
  verdicts.find((entry) => entry.profile === id);

describe("profileVerdicts", () => {
  it("claims a profile whose predicate holds and whose every scenario passed", () => {
    const verdicts = profileVerdicts(base, registry, [ran("discovery", "pass"), ran("fixture-x", "pass")], []);
    expect(verdict(verdicts, "openwop-core")).toMatchObject({ predicateHolds: true, claimed: true });
    expect(verdict(verdicts, "openwop-fixtures")).toMatchObject({ claimed: true });
  });

  it("denies a claim for any non-pass outcome, inapplicable included, and names it", () => {
    for (const outcome of ["fail", "skip", "inapplicable", "blocked"] as const) {
      const verdicts = profileVerdicts(base, registry, [ran("discovery", "pass"), ran("fixture-x", outcome)], []);
      expect(verdict(verdicts, "openwop-fixtures")).toMatchObject({
        claimed: false,
        reason: `not every scenario passed: fixture-x (${outcome})`,
      });
    }
  });

  it("denies a claim when a scenario of the set did not run", () => {
    const verdicts = profileVerdicts(base, registry, [ran("discovery", "pass")], []);
    expect(verdict(verdicts, "openwop-fixtures")?.reason).toMatch(/not every scenario ran \(fixture-x\)/);
  });

  it("reports the failing predicate member and honours opt-outs", () => {
    const verdicts = profileVerdicts(
      base,
      registry,
      [ran("discovery", "pass"), ran("fixture-x", "pass")],
      ["openwop-fixtures"],
    );
    expect(verdict(verdicts, "openwop-production")).toMatchObject({
      predicateHolds: false,
      claimed: false,
      reason: "predicate does not hold: production.supported is not true",
    });
    expect(verdict(verdicts, "openwop-fixtures")).toMatchObject({ predicateHolds: true, claimed: false });
    expect(verdict(verdicts, "openwop-fixtures")?.reason).toMatch(/^opted out/);
  });
});
