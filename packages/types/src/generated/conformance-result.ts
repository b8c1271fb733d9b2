// generated — do not edit; run pnpm generate
// Source: schemas/conformance-result.schema.json (packages/types/scripts/generate.mjs).

/**
 * pass and fail are verdicts; skip means the capability was not advertised; inapplicable means the scenario does not apply to this host; blocked means it ran but asserted nothing, which is a defect in the scenario, not the host.
 */
export type ScenarioOutcome = "pass" | "fail" | "skip" | "inapplicable" | "blocked";

/**
 * The machine-readable record of one run of the conformance suite against one host. The interop matrix is generated from these files, so every claim in it can be traced back to a record.
 */
export interface ConformanceResult {
  suiteVersion: string;
  /**
   * The command line that produced this result, so anyone can re-run it.
   */
  command: string;
  host: ConformanceHost;
  /**
   * SHA-256 of the discovery document the suite judged the host by.
   */
  discoveryDigest: string;
  startedAt: string;
  durationMs: number;
  profiles: ProfileVerdict[];
  scenarios: ScenarioResult[];
  summary: OutcomeSummary;
}
export interface ConformanceHost {
  name: string;
  version?: string;
  baseUrl: string;
}
/**
 * Whether the host earns a profile: its discovery predicate must hold and every scenario tagged with the profile must pass.
 */
export interface ProfileVerdict {
  /**
   * Profile id, e.g. "openwop-core".
   */
  profile: string;
  predicateHolds: boolean;
  claimed: boolean;
  /**
   * Why the profile is or is not claimed.
   */
  reason: string;
}
export interface ScenarioResult {
  id: string;
  title: string;
  profiles: string[];
  /**
   * The normative text the scenario checks, e.g. "spec/v1/core.md §3.2".
   */
  spec: string;
  /**
   * Further normative sections the scenario witnesses, e.g. the production-profile requirement a debug-bundle scenario proves.
   */
  alsoCites?: string[];
  outcome: ScenarioOutcome;
  durationMs: number;
  /**
   * What went wrong, or why the scenario did not run.
   */
  message?: string;
}
/**
 * Count of scenarios per outcome.
 */
export interface OutcomeSummary {
  pass: number;
  fail: number;
  skip: number;
  inapplicable: number;
  blocked: number;
}

/** Every {@link ScenarioOutcome}, in schema order. */
export const SCENARIO_OUTCOME_VALUES = ["pass", "fail", "skip", "inapplicable", "blocked"] as const satisfies readonly ScenarioOutcome[];
