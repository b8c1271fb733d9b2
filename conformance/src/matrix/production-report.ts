import type { ConformanceResult, ScenarioOutcome } from "@openwop/types";
import type { Scenario } from "../runner/scenario.js";
import { SUITE_VERSION } from "../suite-version.js";
import type { MatrixIndex } from "./matrix-index.js";
import { PRODUCTION_REQUIREMENTS, witnessesOf } from "./production-requirements.js";

export type RequirementVerdict = "witnessed" | "failed" | "not witnessed" | "not run";

export interface ProductionReport {
  readonly reportVersion: 1;
  readonly suiteVersion: string;
  readonly spec: "spec/v1/production-profile.md §6";
  readonly hosts: ReadonlyArray<{
    readonly host: string;
    readonly status: "ran" | "not-run";
    readonly implementation?: { readonly name: string; readonly version?: string };
    /** `production.supported` in the evaluated discovery document (via the profile predicate). */
    readonly predicateHolds: boolean;
    readonly claimed: boolean;
    readonly reason: string;
    readonly requirements: ReadonlyArray<{
      readonly id: string;
      readonly title: string;
      readonly spec: string;
      readonly verdict: RequirementVerdict;
      readonly scenarios: ReadonlyArray<{ readonly id: string; readonly outcome: ScenarioOutcome | "missing" }>;
    }>;
  }>;
}

/** A requirement is witnessed only when every scenario citing it passed (profiles.md §4.1). */
function verdictOf(outcomes: ReadonlyArray<ScenarioOutcome | "missing">): RequirementVerdict {
  if (outcomes.length === 0) return "not witnessed";
  if (outcomes.includes("fail")) return "failed";
  return outcomes.every((outcome) => outcome === "pass") ? "witnessed" : "not witnessed";
}

export type ProductionHostReport = ProductionReport["hosts"][number];

/** Anything that cites sections the way a registry scenario or a recorded scenario result does. */
type Citing = Pick<Scenario, "id" | "spec" | "alsoCites">;

/**
 * One host's entry: the `openwop-production` verdict of its result and, per requirement
 * P1–P6, the witnessing scenarios' outcomes. `witnesses` says which scenarios cite what: the
 * registry for the matrix, or a result document's own scenarios for a stand-alone report.
 */
export function productionHostReport(
  host: { readonly name: string; readonly status: "ran" | "not-run"; readonly reason?: string },
  result: ConformanceResult | undefined,
  witnesses: readonly Citing[],
): ProductionHostReport {
  const verdict = result?.profiles.find((profile) => profile.profile === "openwop-production");
  const outcomeOf = (id: string): ScenarioOutcome | "missing" =>
    result?.scenarios.find((scenario) => scenario.id === id)?.outcome ?? "missing";
  return {
    host: host.name,
    status: host.status,
    ...(result === undefined
      ? {}
      : {
          implementation: {
            name: result.host.name,
            ...(result.host.version ? { version: result.host.version } : {}),
          },
        }),
    predicateHolds: verdict?.predicateHolds ?? false,
    claimed: verdict?.claimed ?? false,
    reason: verdict?.reason ?? `host not run: ${host.reason ?? "unknown"}`,
    requirements: PRODUCTION_REQUIREMENTS.map((requirement) => {
      const scenarios = witnessesOf(requirement, witnesses).map((scenario) => ({
        id: scenario.id,
        outcome: outcomeOf(scenario.id),
      }));
      return {
        id: requirement.id,
        title: requirement.title,
        spec: requirement.spec,
        verdict: result === undefined ? "not run" : verdictOf(scenarios.map((scenario) => scenario.outcome)),
        scenarios,
      };
    }),
  };
}

/** The machine-readable production report of production-profile.md §6, one entry per host. */
export function productionReport(
  index: MatrixIndex,
  results: ReadonlyMap<string, ConformanceResult>,
  registry: readonly Scenario[],
): ProductionReport {
  return {
    reportVersion: 1,
    suiteVersion: SUITE_VERSION,
    spec: "spec/v1/production-profile.md §6",
    hosts: index.hosts.map((entry) => productionHostReport(entry, results.get(entry.name), registry)),
  };
}
