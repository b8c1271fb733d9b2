import type { Capabilities } from "@openwop/types";
import type { ProfileVerdict } from "@openwop/types";
import type { Scenario, ScenarioRun } from "../runner/scenario.js";
import { PROFILES, type ProfileId } from "./catalog.js";

/** Evaluates every profile predicate once. */
export function predicateMap(discovery: Capabilities): Map<ProfileId, boolean> {
  return new Map(PROFILES.map((profile) => [profile.id, profile.predicate(discovery).holds]));
}

/**
 * The claim rule of spec/v1/profiles.md §4.1: the predicate holds and every scenario of
 * the profile's set ran and passed — any other outcome, or a missing scenario, denies the
 * claim. On top of it: an operator opt-out denies it, and a profile that rests on others
 * (production-profile.md §2.1) needs them claimed. The reason says which rule decided.
 */
export function profileVerdicts(
  discovery: Capabilities,
  registry: readonly Scenario[],
  runs: readonly ScenarioRun[],
  optOutProfiles: readonly string[],
): ProfileVerdict[] {
  const verdicts = new Map<ProfileId, ProfileVerdict>();
  const byId = new Map(runs.map((run) => [run.scenario.id, run]));
  for (const profile of PROFILES) {
    const predicate = profile.predicate(discovery);
    const verdict = (claimed: boolean, reason: string): ProfileVerdict => ({
      profile: profile.id,
      predicateHolds: predicate.holds,
      claimed,
      reason,
    });
    const members = registry.filter((scenario) => scenario.profiles.includes(profile.id));
    const notRun = members.filter((scenario) => !byId.has(scenario.id)).map((scenario) => scenario.id);
    const notPassed = members
      .map((scenario) => byId.get(scenario.id))
      .filter((run): run is ScenarioRun => run !== undefined && run.outcome !== "pass")
      .map((run) => `${run.scenario.id} (${run.outcome})`);
    const missingDependencies = [
      ...(profile.dependsOn?.all ?? []).filter((id) => verdicts.get(id)?.claimed !== true),
      ...((profile.dependsOn?.anyOf ?? []).some((id) => verdicts.get(id)?.claimed === true)
        ? []
        : [(profile.dependsOn?.anyOf ?? []).join(" or ")].filter((text) => text.length > 0)),
    ];

    let result: ProfileVerdict;
    if (optOutProfiles.includes(profile.id)) {
      result = verdict(
        false,
        `opted out by the operator (--opt-out-profiles); predicate ${predicate.holds ? "holds" : "does not hold"}: ${predicate.reason}`,
      );
    } else if (!predicate.holds) {
      result = verdict(false, `predicate does not hold: ${predicate.reason}`);
    } else if (notRun.length > 0) {
      result = verdict(false, `not every scenario ran (${notRun.join(", ")})`);
    } else if (notPassed.length > 0) {
      result = verdict(false, `not every scenario passed: ${notPassed.join(", ")}`);
    } else if (missingDependencies.length > 0) {
      result = verdict(false, `rests on ${missingDependencies.join(", ")}, which is not claimed`);
    } else {
      result = verdict(true, `${predicate.reason}; all ${members.length} scenarios passed`);
    }
    verdicts.set(profile.id, result);
  }
  return [...verdicts.values()];
}
