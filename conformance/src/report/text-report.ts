import type { ProfileVerdict, ScenarioOutcome } from "@openwop/types";
import { OUTCOMES, summarize } from "../result/document.js";
import type { ScenarioRun } from "../runner/scenario.js";
import type { Palette } from "./colour.js";

const LABEL: Record<ScenarioOutcome, string> = {
  pass: "PASS",
  fail: "FAIL",
  skip: "SKIP",
  inapplicable: "N/A ",
  blocked: "BLKD",
};

function styled(outcome: ScenarioOutcome, palette: Palette): string {
  const label = LABEL[outcome];
  if (outcome === "pass") return palette.green(label);
  if (outcome === "fail" || outcome === "blocked") return palette.red(label);
  return palette.yellow(label);
}

/** One progress line per scenario, for stderr. */
export function progressLine(run: ScenarioRun, palette: Palette): string {
  const message = run.message === undefined ? "" : ` ${palette.dim("—")} ${run.message}`;
  return `${styled(run.outcome, palette)} ${run.scenario.id} ${palette.dim(`(${run.durationMs} ms)`)}${message}`;
}

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - text.length));

/** The human summary for stdout: outcome counts, profile verdicts, then what did not pass. */
export function summaryTable(
  runs: readonly ScenarioRun[],
  profiles: readonly ProfileVerdict[],
  palette: Palette,
): string {
  const summary = summarize(runs);
  const lines: string[] = [];
  lines.push(palette.bold("Outcomes"));
  lines.push(`${OUTCOMES.map((outcome) => `${outcome} ${summary[outcome]}`).join("  ")}  (total ${runs.length})`);
  lines.push("");
  lines.push(palette.bold("Profiles"));
  const width = Math.max(...profiles.map((profile) => profile.profile.length));
  for (const profile of profiles) {
    const mark = profile.claimed ? palette.green("claimed    ") : palette.dim("not claimed");
    lines.push(`${pad(profile.profile, width)}  ${mark}  ${profile.reason}`);
  }
  const notPassed = runs.filter((run) => run.outcome === "fail" || run.outcome === "blocked");
  if (notPassed.length > 0) {
    lines.push("");
    lines.push(palette.bold("Failures"));
    for (const run of notPassed)
      lines.push(`${styled(run.outcome, palette)} ${run.scenario.id} [${run.scenario.spec}] ${run.message ?? ""}`);
  }
  return lines.join("\n");
}
