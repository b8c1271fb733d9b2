import type { Capabilities, ProfileVerdict, ScenarioOutcome } from "@openwop/types";
import type { Scenario, ScenarioRun } from "../runner/scenario.js";
import { PROFILES, type PredicateResult, type ProfileDefinition, type ProfileId } from "./catalog.js";

/** Evaluates every profile predicate once. */
export function predicateMap(discovery: Capabilities): Map<ProfileId, boolean> {
  return new Map(PROFILES.map((profile) => [profile.id, profile.predicate(discovery).holds]));
}

/** What the claim rule needs to know about one run, however the run is recorded. */
export interface ClaimEvidence {
  /** The profile's predicate for the discovery document the run judged. */
  predicate(profile: ProfileDefinition): PredicateResult;
  /** The outcome the run recorded for a scenario, or `undefined` when it did not run. */
  outcomeOf(scenarioId: string): ScenarioOutcome | undefined;
  /** Whether the operator opted the profile out (`--opt-out-profiles`). */
  optedOut(profile: ProfileId): boolean;
}

/**
 * The claim rule of spec/v1/profiles.md §4.1: the predicate holds and every scenario of
 * the profile's set ran and passed — any other outcome, or a missing scenario, denies the
 * claim. On top of it: an operator opt-out denies it, and a profile that rests on others
 * (production-profile.md §2.1) needs them claimed. The reason says which rule decided.
 * The sets come from `registry`, never from the run, so a record cannot shrink a set.
 */
export function judgeProfiles(
  registry: readonly Pick<Scenario, "id" | "profiles">[],
  evidence: ClaimEvidence,
): ProfileVerdict[] {
  const verdicts = new Map<ProfileId, ProfileVerdict>();
  for (const profile of PROFILES) {
    const predicate = evidence.predicate(profile);
    const verdict = (claimed: boolean, reason: string): ProfileVerdict => ({
      profile: profile.id,
      predicateHolds: predicate.holds,
      claimed,
      reason,
    });
    const members = registry.filter((scenario) => scenario.profiles.includes(profile.id));
    const notRun = members.filter((scenario) => evidence.outcomeOf(scenario.id) === undefined).map(({ id }) => id);
    const notPassed = members
      .map((scenario) => ({ id: scenario.id, outcome: evidence.outcomeOf(scenario.id) }))
      .filter(({ outcome }) => outcome !== undefined && outcome !== "pass")
      .map(({ id, outcome }) => `${id} (${outcome})`);
    const missingDependencies = [
      ...(profile.dependsOn?.all ?? []).filter((id) => verdicts.get(id)?.claimed !== true),
      ...((profile.dependsOn?.anyOf ?? []).some((id) => verdicts.get(id)?.claimed === true)
        ? []
        : [(profile.dependsOn?.anyOf ?? []).join(" or ")].filter((text) => text.length > 0)),
    ];

    let result: ProfileVerdict;
    if (evidence.optedOut(profile.id)) {
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

/** The verdicts of a run the suite just made: predicates evaluated on its discovery document. */
export function profileVerdicts(
  discovery: Capabilities,
  registry: readonly Scenario[],
  runs: readonly ScenarioRun[],
  optOutProfiles: readonly string[],
): ProfileVerdict[] {
  const byId = new Map(runs.map((run) => [run.scenario.id, run.outcome]));
  return judgeProfiles(registry, {
    predicate: (profile) => profile.predicate(discovery),
    outcomeOf: (id) => byId.get(id),
    optedOut: (profile) => optOutProfiles.includes(profile),
  });
}
