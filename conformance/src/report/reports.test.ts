import type { ConformanceResult } from "@openwop/types";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parse as parseHtml } from "parse5";
import { beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "./html-report.js";
import { inMemoryResult } from "./in-memory-run.test-helper.js";
import { renderJUnit } from "./junit-report.js";

/** Text a host could put in an error body that a failure message quotes. */
const HOSTILE = `</failure></testcase><script>alert("x")</script> & &amp; 'q' ]]> \u0001\u001b[31m \ud800 end`;
/** How the reports must show it: markup intact as text, forbidden controls spelled out. */
const HOSTILE_SHOWN = `</failure></testcase><script>alert("x")</script> & &amp; 'q' ]]> \\u0001\\u001B[31m \\uD800 end`;

interface XmlElement {
  readonly [key: string]: unknown;
}

const asArray = (value: unknown): XmlElement[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as XmlElement[]) : [value as XmlElement];

function parseJUnit(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseAttributeValue: false,
    htmlEntities: true,
  }).parse(xml) as XmlElement;
  const suites = parsed.testsuites as XmlElement;
  const suite = asArray(suites.testsuite);
  expect(suite).toHaveLength(1);
  return { suites, suite: suite[0] as XmlElement, cases: asArray((suite[0] as XmlElement).testcase) };
}

/** A copy of the document in which one scenario has another outcome and message. */
function withOutcome(
  result: ConformanceResult,
  id: string,
  outcome: ConformanceResult["scenarios"][number]["outcome"],
  message: string,
): ConformanceResult {
  return {
    ...result,
    scenarios: result.scenarios.map((scenario) => (scenario.id === id ? { ...scenario, outcome, message } : scenario)),
  };
}

interface HtmlNode {
  readonly nodeName: string;
  readonly value?: string;
  readonly attrs?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly childNodes?: readonly HtmlNode[];
  readonly content?: HtmlNode;
}

function* walk(node: HtmlNode): Generator<HtmlNode> {
  yield node;
  for (const child of node.childNodes ?? []) yield* walk(child);
}

const textOf = (node: HtmlNode): string =>
  [...walk(node)].map((each) => (each.nodeName === "#text" ? (each.value ?? "") : "")).join("");

describe("JUnit and HTML reports of a real run against the in-memory host", () => {
  let result: ConformanceResult;

  beforeAll(async () => {
    result = await inMemoryResult(
      [
        "discovery-document",
        "discovery-caching",
        "fixtures-readable",
        "restart-during-run",
        "production-backpressure",
        "webhooks-signed-delivery",
        // Through the proxy's 403-for-401 switch, so this one really fails.
        "auth-missing-credential",
      ],
      { fault: "unauthenticated-as-forbidden" },
    );
  }, 120_000);

  it("the run gave passes, skips and a failure with a message to render", () => {
    const outcomes = new Set(result.scenarios.map((scenario) => scenario.outcome));
    expect([...outcomes].sort()).toEqual(["fail", "inapplicable", "pass", "skip"]);
    expect(result.scenarios.find((scenario) => scenario.outcome === "fail")?.message).toMatch(/\S/);
  });

  it("JUnit: one well-formed test case per scenario, the outcome as its verdict element, the citation in system-out", () => {
    const { suites, suite, cases } = parseJUnit(renderJUnit(result));
    expect(cases.map((testCase) => testCase["@name"])).toEqual(result.scenarios.map((scenario) => scenario.id));
    const skipped = result.summary.skip + result.summary.inapplicable;
    for (const counts of [suites, suite]) {
      expect(counts["@tests"]).toBe(String(result.scenarios.length));
      expect(counts["@failures"]).toBe(String(result.summary.fail));
      expect(counts["@errors"]).toBe(String(result.summary.blocked));
      expect(counts["@skipped"]).toBe(String(skipped));
    }
    for (const [index, scenario] of result.scenarios.entries()) {
      const testCase = cases[index] as XmlElement;
      expect(testCase["system-out"], scenario.id).toContain(`spec: ${scenario.spec}`);
      expect(Object.keys(testCase).filter((key) => ["skipped", "failure", "error"].includes(key))).toEqual(
        scenario.outcome === "pass"
          ? []
          : [scenario.outcome === "fail" ? "failure" : scenario.outcome === "blocked" ? "error" : "skipped"],
      );
      if (scenario.message !== undefined) expect(testCase["system-out"]).toContain(scenario.message);
    }
    const properties = asArray((suite.properties as XmlElement).property);
    expect(properties.find((property) => property["@name"] === "suiteVersion")?.["@value"]).toBe(result.suiteVersion);
    expect(properties.filter((property) => String(property["@name"]).startsWith("profile."))).toHaveLength(
      result.profiles.length,
    );
  });

  it("JUnit: a failure carries its message and citation, blocked is an error, and hostile text stays text", () => {
    const id = result.scenarios[0]?.id ?? "";
    const failing = parseJUnit(renderJUnit(withOutcome(result, id, "fail", `multi\nline ${HOSTILE}`)));
    const failure = (failing.cases[0] as XmlElement).failure as XmlElement;
    expect(failure["@message"]).toBe("multi");
    expect(failure["#text"]).toBe(`[${result.scenarios[0]?.spec}] multi\nline ${HOSTILE_SHOWN}`);
    expect(failing.suite["@failures"]).toBe(
      String(result.summary.fail + (result.scenarios[0]?.outcome === "fail" ? 0 : 1)),
    );

    const blocked = parseJUnit(renderJUnit(withOutcome(result, id, "blocked", HOSTILE)));
    const error = (blocked.cases[0] as XmlElement).error as XmlElement;
    expect(error["@type"]).toBe("blocked");
    expect(error["@message"]).toBe(HOSTILE_SHOWN);

    const hostileHost = { ...result, host: { ...result.host, name: HOSTILE } };
    expect(parseJUnit(renderJUnit(hostileHost)).suite["@name"]).toBe(
      `${HOSTILE_SHOWN} ${result.host.version ?? ""}`.trim(),
    );
  });

  it("HTML: one page with no script or external asset, verdicts, the production report and every scenario", () => {
    const document = parseHtml(renderHtml(result)) as unknown as HtmlNode;
    const nodes = [...walk(document)];
    const names = new Set(nodes.map((node) => node.nodeName));
    for (const forbidden of ["script", "link", "img", "iframe", "object", "embed", "base", "form"])
      expect(names.has(forbidden), forbidden).toBe(false);
    const urlAttributes = nodes.flatMap((node) =>
      (node.attrs ?? []).filter((attr) => ["src", "href", "action", "srcset", "style"].includes(attr.name)),
    );
    expect(urlAttributes).toEqual([]);
    const csp = nodes.find((node) => node.attrs?.some((attr) => attr.value === "Content-Security-Policy"));
    expect(csp?.attrs?.find((attr) => attr.name === "content")?.value).toMatch(/^default-src 'none'/);

    const rows = nodes.filter((node) => node.nodeName === "tr");
    for (const scenario of result.scenarios) {
      const row = rows.find((node) => node.attrs?.some((attr) => attr.value === `scenario-${scenario.id}`));
      expect(row, scenario.id).toBeDefined();
      expect(textOf(row as HtmlNode)).toContain(scenario.outcome);
      if (scenario.message !== undefined) expect(textOf(row as HtmlNode)).toContain(scenario.message);
    }
    const page = textOf(document);
    for (const verdict of result.profiles) expect(page).toContain(verdict.reason);
    for (const requirement of ["P1 Durability", "P2 Backpressure", "P6 Structured logs"])
      expect(page).toContain(requirement);
  });

  it("HTML: a hostile message and host name are text nodes, never markup", () => {
    const id = result.scenarios[0]?.id ?? "";
    const hostile = { ...withOutcome(result, id, "fail", HOSTILE), host: { ...result.host, name: HOSTILE } };
    const document = parseHtml(renderHtml(hostile)) as unknown as HtmlNode;
    const nodes = [...walk(document)];
    expect(nodes.some((node) => node.nodeName === "script")).toBe(false);
    const pre = nodes.find((node) => node.nodeName === "pre");
    expect(textOf(pre as HtmlNode)).toBe(HOSTILE_SHOWN);
    const title = nodes.find((node) => node.nodeName === "title");
    expect(textOf(title as HtmlNode)).toContain(HOSTILE_SHOWN);
  });
});
