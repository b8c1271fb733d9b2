import type { ConformanceResult, OutcomeSummary, ScenarioOutcome } from "@openwop/types";
import type { SuiteRun } from "../runner/run-suite.js";
import type { ScenarioRun } from "../runner/scenario.js";
import { SUITE_VERSION } from "../suite-version.js";

export const OUTCOMES: readonly ScenarioOutcome[] = ["pass", "fail", "skip", "inapplicable", "blocked"];

export function summarize(runs: readonly Pick<ScenarioRun, "outcome">[]): OutcomeSummary {
  const summary: OutcomeSummary = { pass: 0, fail: 0, skip: 0, inapplicable: 0, blocked: 0 };
  for (const run of runs) summary[run.outcome] += 1;
  return summary;
}

/** The machine-readable record of one suite run (schemas/conformance-result.schema.json). */
export function resultDocument(
  suite: SuiteRun,
  meta: { readonly command: string; readonly baseUrl: string },
): ConformanceResult {
  const implementation = suite.discovery.implementation;
  return {
    suiteVersion: SUITE_VERSION,
    command: meta.command,
    host: {
      name: implementation?.name ?? "unknown",
      ...(implementation?.version ? { version: implementation.version } : {}),
      baseUrl: meta.baseUrl,
    },
    discoveryDigest: suite.discoveryDigest,
    startedAt: suite.startedAt.toISOString(),
    durationMs: suite.durationMs,
    profiles: [...suite.profiles],
    scenarios: suite.runs.map((run) => ({
      id: run.scenario.id,
      title: run.scenario.title,
      profiles: [...run.scenario.profiles],
      spec: run.scenario.spec,
      ...(run.scenario.alsoCites?.length ? { alsoCites: [...run.scenario.alsoCites] } : {}),
      outcome: run.outcome,
      durationMs: run.durationMs,
      ...(run.message === undefined ? {} : { message: run.message }),
    })),
    summary: summarize(suite.runs),
  };
}
