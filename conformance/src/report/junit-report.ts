import type { ConformanceResult, ScenarioResult } from "@openwop/types";
import { escapeAttribute, escapeText } from "./markup.js";

/** Seconds with millisecond precision, the unit JUnit readers expect in `time`. */
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The first line of a message, short enough for the `message` attribute CI systems show inline. */
function headline(message: string): string {
  const first = message.split("\n", 1)[0] ?? "";
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

/** Where the scenario's verdict and its evidence come from, for `<system-out>`. */
function scenarioNotes(scenario: ScenarioResult): string {
  return [
    `${scenario.title}`,
    `outcome: ${scenario.outcome}`,
    `spec: ${scenario.spec}`,
    ...(scenario.alsoCites?.length ? [`also cites: ${scenario.alsoCites.join("; ")}`] : []),
    `profiles: ${scenario.profiles.length === 0 ? "none" : scenario.profiles.join(", ")}`,
    ...(scenario.message === undefined ? [] : ["", scenario.message]),
  ].join("\n");
}

/**
 * The verdict element of one test case. A skip or an inapplicable scenario is `<skipped>`;
 * `blocked` (ran without asserting anything, a defect of the scenario rather than the host)
 * is `<error>`, so CI shows it apart from a host's `<failure>`.
 */
function verdictElement(scenario: ScenarioResult): string {
  const message = scenario.message ?? "";
  const cited = `[${scenario.spec}] ${message}`;
  switch (scenario.outcome) {
    case "pass":
      return "";
    case "skip":
    case "inapplicable":
      return `      <skipped message="${escapeAttribute(`${scenario.outcome}: ${headline(message)}`)}"/>\n`;
    case "blocked":
      return `      <error type="blocked" message="${escapeAttribute(headline(message))}">${escapeText(cited)}</error>\n`;
    case "fail":
      return `      <failure type="fail" message="${escapeAttribute(headline(message))}">${escapeText(cited)}</failure>\n`;
  }
}

function testCase(scenario: ScenarioResult): string {
  // The first profile groups the case in CI views; a scenario in no profile is optional behaviour.
  const group = scenario.profiles[0] ?? "optional";
  return [
    `    <testcase name="${escapeAttribute(scenario.id)}" classname="${escapeAttribute(`openwop-conformance.${group}`)}" time="${seconds(scenario.durationMs)}">\n`,
    verdictElement(scenario),
    `      <system-out>${escapeText(scenarioNotes(scenario))}</system-out>\n`,
    "    </testcase>\n",
  ].join("");
}

/**
 * The result document as a JUnit XML report (the Ant/Jenkins dialect GitHub, GitLab and
 * Jenkins read): one `<testsuite>` for the host, one `<testcase>` per scenario, the run's
 * identity and every profile verdict as suite properties. Rendered from the document alone,
 * so a report can be produced again from a stored result.
 */
export function renderJUnit(result: ConformanceResult): string {
  const counts = {
    tests: result.scenarios.length,
    failures: result.scenarios.filter((scenario) => scenario.outcome === "fail").length,
    errors: result.scenarios.filter((scenario) => scenario.outcome === "blocked").length,
    skipped: result.scenarios.filter((scenario) => scenario.outcome === "skip" || scenario.outcome === "inapplicable")
      .length,
  };
  const totals = `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(result.durationMs)}"`;
  const hostName = `${result.host.name}${result.host.version ? ` ${result.host.version}` : ""}`;
  const properties: Array<[string, string]> = [
    ["suiteVersion", result.suiteVersion],
    ["command", result.command],
    ["host.name", result.host.name],
    ...(result.host.version ? ([["host.version", result.host.version]] as Array<[string, string]>) : []),
    ["host.baseUrl", result.host.baseUrl],
    ["discoveryDigest", result.discoveryDigest],
    ...result.profiles.map((verdict): [string, string] => [
      `profile.${verdict.profile}`,
      `${verdict.claimed ? "claimed" : "not claimed"}: ${verdict.reason}`,
    ]),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<testsuites name="openwop-conformance" ${totals}>\n`,
    `  <testsuite name="${escapeAttribute(hostName)}" ${totals} timestamp="${escapeAttribute(result.startedAt)}">\n`,
    "    <properties>\n",
    ...properties.map(
      ([name, value]) => `      <property name="${escapeAttribute(name)}" value="${escapeAttribute(value)}"/>\n`,
    ),
    "    </properties>\n",
    ...result.scenarios.map(testCase),
    "  </testsuite>\n",
    "</testsuites>\n",
  ].join("");
}
