import type { ProfileId } from "../profiles/catalog.js";
import type { ScenarioRun, SuiteOptions } from "./scenario.js";

/**
 * `--require-behavior`: a skip is acceptable evidence only when the host never promised
 * the behaviour. A skip of something advertised, or inside a profile whose predicate the
 * host satisfies, becomes a failure, unless the operator opted every such profile out.
 */
export function applyStrictness(
  run: ScenarioRun,
  predicateHolds: ReadonlyMap<ProfileId, boolean>,
  options: Pick<SuiteOptions, "requireBehavior" | "optOutProfiles">,
): ScenarioRun {
  if (!options.requireBehavior || run.outcome !== "skip") return run;
  const profiles = run.scenario.profiles;
  const optedOut = (profile: ProfileId) => options.optOutProfiles.includes(profile);
  if (profiles.length > 0 && profiles.every(optedOut)) {
    return { ...run, message: `${run.message ?? "skipped"} (profiles opted out: ${profiles.join(", ")})` };
  }
  if (run.advertised === true) {
    return {
      ...run,
      outcome: "fail",
      message: `--require-behavior: advertised but untested: ${run.message ?? "skipped"}`,
    };
  }
  const claimed = profiles.filter((profile) => predicateHolds.get(profile) === true && !optedOut(profile));
  if (claimed.length > 0) {
    return {
      ...run,
      outcome: "fail",
      message: `--require-behavior: skipped inside ${claimed.join(", ")}: ${run.message ?? "skipped"}`,
    };
  }
  return run;
}
