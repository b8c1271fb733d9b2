import type { ConformanceResult, ScenarioOutcome } from "@openwop/types";
import { productionHostReport } from "../matrix/production-report.js";
import { OUTCOMES } from "../result/document.js";
import { escapeAttribute, escapeText } from "./markup.js";

// Inline only: the page must open from a CI artifact store with no network, and the policy
// below forbids the browser from fetching anything even if hostile text slipped through.
const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { white-space: pre-wrap; margin: 0; max-width: 80ch; }
.pass, .claimed, .witnessed { color: #1a7f37; font-weight: 600; }
.fail, .blocked, .failed { color: #cf222e; font-weight: 600; }
.skip, .inapplicable, .not-claimed, .not-witnessed, .missing { color: #9a6700; }
`;

const text = escapeText;
const cell = (content: string, className?: string) =>
  className === undefined ? `<td>${content}</td>` : `<td class="${escapeAttribute(className)}">${content}</td>`;
const headerRow = (names: readonly string[]) => `<tr>${names.map((name) => `<th>${text(name)}</th>`).join("")}</tr>`;
const classOf = (label: string) => label.replaceAll(" ", "-");

function outcomeCounts(result: ConformanceResult): string {
  return `<table>${headerRow(OUTCOMES)}<tr>${OUTCOMES.map((outcome) =>
    cell(String(result.summary[outcome]), result.summary[outcome] > 0 ? outcome : undefined),
  ).join("")}</tr></table>`;
}

function profileTable(result: ConformanceResult): string {
  const rows = result.profiles.map((verdict) => {
    const label = verdict.claimed ? "claimed" : "not claimed";
    return `<tr>${cell(`<code>${text(verdict.profile)}</code>`)}${cell(text(label), classOf(label))}${cell(
      verdict.predicateHolds ? "holds" : "does not hold",
    )}${cell(text(verdict.reason))}</tr>`;
  });
  return `<table>${headerRow(["Profile", "Verdict", "Predicate", "Reason"])}${rows.join("")}</table>`;
}

function productionTable(result: ConformanceResult): string {
  const report = productionHostReport({ name: result.host.name, status: "ran" }, result, result.scenarios);
  const rows = report.requirements.map((requirement) => {
    const witnesses =
      requirement.scenarios.length === 0
        ? "none in this run"
        : requirement.scenarios
            .map(
              (scenario) =>
                `<code>${text(scenario.id)}</code> <span class="${classOf(scenario.outcome)}">${text(scenario.outcome)}</span>`,
            )
            .join("<br>");
    return `<tr>${cell(text(`${requirement.id} ${requirement.title}`))}${cell(text(requirement.spec))}${cell(
      text(requirement.verdict),
      classOf(requirement.verdict),
    )}${cell(witnesses)}</tr>`;
  });
  const label = report.claimed ? "claimed" : "not claimed";
  return [
    `<p><code>openwop-production</code>: <span class="${classOf(label)}">${text(label)}</span> — ${text(report.reason)}</p>`,
    `<table>${headerRow(["Requirement", "Section", "Verdict", "Witnessing scenarios"])}${rows.join("")}</table>`,
  ].join("\n");
}

function scenarioTable(result: ConformanceResult): string {
  const rows = result.scenarios.map((scenario) => {
    const cites = [scenario.spec, ...(scenario.alsoCites ?? [])].map(text).join("<br>");
    return `<tr id="${escapeAttribute(`scenario-${scenario.id}`)}">${cell(`<code>${text(scenario.id)}</code><br>${text(scenario.title)}`)}${cell(
      text(scenario.outcome),
      scenario.outcome satisfies ScenarioOutcome,
    )}${cell(text(scenario.profiles.length === 0 ? "none" : scenario.profiles.join(", ")))}${cell(cites)}${cell(
      text(`${scenario.durationMs} ms`),
    )}${cell(scenario.message === undefined ? "" : `<pre>${text(scenario.message)}</pre>`)}</tr>`;
  });
  return `<table>${headerRow(["Scenario", "Outcome", "Profiles", "Spec", "Time", "Message"])}${rows.join("")}</table>`;
}

/**
 * The result document as one self-contained HTML page: the run's identity, outcome counts,
 * profile verdicts, the production report (P1–P6 of production-profile.md §3) and every
 * scenario with its message. No script, no external asset; every string from the document
 * is escaped, since messages quote what the host answered.
 */
export function renderHtml(result: ConformanceResult): string {
  const hostName = `${result.host.name}${result.host.version ? ` ${result.host.version}` : ""}`;
  const facts: Array<[string, string]> = [
    ["Host", hostName],
    ["Base URL", result.host.baseUrl],
    ["Suite version", result.suiteVersion],
    ["Command", result.command],
    ["Started", result.startedAt],
    ["Duration", `${result.durationMs} ms`],
    ["Discovery digest", result.discoveryDigest],
  ];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(`OpenWOP conformance — ${hostName}`)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<h1>${text(`OpenWOP conformance — ${hostName}`)}</h1>`,
    `<dl>${facts.map(([name, value]) => `<dt>${text(name)}</dt><dd>${text(value)}</dd>`).join("")}</dl>`,
    "<h2>Outcomes</h2>",
    outcomeCounts(result),
    "<h2>Profiles</h2>",
    "<p>A profile is claimed only when its predicate holds and every scenario of its set passed in this run (spec/v1/profiles.md §4.1).</p>",
    profileTable(result),
    "<h2>Production report</h2>",
    "<p>A requirement of spec/v1/production-profile.md §3 is witnessed when every scenario citing it passed.</p>",
    productionTable(result),
    "<h2>Scenarios</h2>",
    scenarioTable(result),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
