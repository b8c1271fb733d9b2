import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIOS } from "@openwop/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { copyRepository, type RepoCopy } from "../test-support/repo-copy.test-helper.js";
import { gitTree, workingTree } from "../trees.js";
import { type ImpactReport, specImpact as impactOf } from "./impact.js";

const CORE = "spec/v1/core.md";

/** Runs the CLI as `pnpm spec:impact` would, on the copy, and keeps what it printed. */
async function specImpact(copy: RepoCopy, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["spec-impact", "--root", copy.root, ...args], {
    cwd: copy.root,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

const json = async (copy: RepoCopy, ...args: string[]) => {
  const run = await specImpact(copy, "--json", ...args);
  return { ...run, report: JSON.parse(run.stdout) as ImpactReport };
};

/** The registry's scenarios citing one section, worked out independently of the tool. */
const citing = (citation: string) =>
  SCENARIOS.filter((scenario) => [scenario.spec, ...(scenario.alsoCites ?? [])].includes(citation)).map((s) => s.id);

/** Each host's outcome for a scenario, read straight from the copy's result files. */
function outcomesOf(copy: RepoCopy, scenario: string): Record<string, string> {
  const index = JSON.parse(copy.read("conformance/results/index.json")) as { hosts: { name: string }[] };
  return Object.fromEntries(
    index.hosts.map(({ name }) => {
      const results = JSON.parse(readFileSync(join(copy.root, `conformance/results/${name}.json`), "utf8")) as {
        scenarios: { id: string; outcome: string }[];
      };
      return [name, results.scenarios.find((entry) => entry.id === scenario)?.outcome ?? "not run"];
    }),
  );
}

describe("pnpm spec:impact", () => {
  let copy: RepoCopy | undefined;
  afterEach(() => copy?.remove());

  it("reports nothing, and exits 0, when spec/ and schemas/ are as committed", async () => {
    copy = copyRepository();
    const run = await specImpact(copy);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("No section of spec/ and no schema changed.");
  });

  it("names the scenarios, profiles and hosts an edit of a cited section of core.md touches", async () => {
    copy = copyRepository();
    copy.edit(
      CORE,
      "### 3.5 Caching and validators\n",
      "### 3.5 Caching and validators\n\nA steward's new sentence.\n",
    );
    const expected = citing(`${CORE} §3.5`);
    expect(expected.length).toBeGreaterThan(0);

    const { code, report } = await json(copy);
    expect(code).toBe(0);
    expect(report.sections).toEqual([
      expect.objectContaining({ kind: "edited", file: CORE, number: "3.5", title: "Caching and validators" }),
    ]);
    expect(report.sections[0]?.citedBy.map((citer) => citer.scenario).sort()).toEqual([...expected].sort());
    expect(report.scenarios.map((scenario) => scenario.id).sort()).toEqual([...expected].sort());
    const first = report.scenarios.find((scenario) => scenario.id === expected[0]);
    expect(first?.outcomes).toEqual(outcomesOf(copy, expected[0] ?? ""));
    expect(report.hosts.length).toBeGreaterThan(0);
    const registered = SCENARIOS.find((scenario) => scenario.id === expected[0]);
    expect(first?.profiles).toEqual(registered?.profiles);
    for (const profile of registered?.profiles ?? []) expect(report.profiles).toContain(profile);

    const human = (await specImpact(copy)).stdout;
    expect(human).toContain(`${CORE} §3.5 "Caching and validators": edited`);
    for (const id of expected) expect(human).toContain(id);
    for (const host of report.hosts) expect(human).toContain(host);
  });

  it("counts an edit of a subsection against the scenarios citing the section that contains it", async () => {
    copy = copyRepository();
    copy.edit(CORE, "### 3.5 Caching and validators\n", "### 3.5 Caching and validators\n\nMore text.\n");
    // No registered scenario cites a whole numbered chapter of core.md, so this registry
    // entry does: one that cites §3 and one that cites an unrelated section.
    const registry = [
      { id: "cites-discovery", title: "Cites §3", profiles: ["openwop-core"], spec: `${CORE} §3` },
      { id: "cites-runs", title: "Cites §6.1", profiles: ["openwop-core"], spec: `${CORE} §6.1` },
    ];
    const report = impactOf(gitTree(copy.root, "HEAD"), workingTree(copy.root), registry);
    expect(report.sections[0]?.citedBy).toEqual([
      { scenario: "cites-discovery", citation: `${CORE} §3`, relation: "contains" },
    ]);
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(["cites-discovery"]);
    expect(report.scenarios[0]?.reasons).toEqual([`cites ${CORE} §3, which contains §3.5 (edited)`]);
    expect(report.scenarios[0]?.outcomes).toEqual(Object.fromEntries(report.hosts.map((host) => [host, "not run"])));
  });

  it("fails when a cited section is renumbered, naming the scenarios that still cite the old number", async () => {
    copy = copyRepository();
    const text = copy.read(CORE);
    copy.write(
      CORE,
      text
        .replace("### 3.7 Evolution of the document", "### 3.8 Evolution of the document")
        .replace("### 3.6 Truthful advertisement", "### 3.7 Truthful advertisement")
        .replace(
          "### 3.5 Caching and validators",
          "### 3.5 A new rule\n\nHosts do something new.\n\n### 3.6 Caching and validators",
        ),
    );
    const { code, report, stderr } = await json(copy);
    expect(code).toBe(1);
    expect(stderr).toContain("removed or renumbered");
    expect(report.sections).toContainEqual(
      expect.objectContaining({ kind: "renumbered", number: "3.5", newNumber: "3.6", bodyChanged: false }),
    );
    expect(report.sections).toContainEqual(
      expect.objectContaining({ kind: "added", number: "3.5", title: "A new rule" }),
    );
    const error = report.errors.find((entry) => entry.message.includes('§3.5 "Caching and validators"'));
    expect(error?.message).toContain("renumbered to §3.6");
    expect(error?.message).toContain("now names a different section");
    expect([...(error?.scenarios ?? [])].sort()).toEqual([...citing(`${CORE} §3.5`)].sort());
  });

  it("accepts a new scenario citing the number a renumbered section left, and still flags the old citers", () => {
    copy = copyRepository();
    const text = copy.read(CORE);
    copy.write(
      CORE,
      text
        .replace(
          "### 3.5 Caching and validators",
          "### 3.5 A new rule\n\nHosts do something new.\n\n### 3.6 Caching and validators",
        )
        .replace("### 3.6 Truthful advertisement", "### 3.7 Truthful advertisement")
        .replace("### 3.7 Evolution of the document", "### 3.8 Evolution of the document"),
    );
    const old = SCENARIOS.filter((scenario) => scenario.spec === `${CORE} §3.5`);
    expect(old.length).toBeGreaterThan(0);
    // The registry of the working tree: the old citers unchanged, and a scenario written
    // with the new text, citing the new §3.5, that the base revision does not have.
    const registry = [
      ...old,
      { id: "new-rule-scenario", title: "Witnesses the new rule", profiles: ["openwop-core"], spec: `${CORE} §3.5` },
    ];
    const report = impactOf(gitTree(copy.root, "HEAD"), workingTree(copy.root), registry);
    const error = report.errors.find((entry) => entry.message.includes('"Caching and validators"'));
    expect([...(error?.scenarios ?? [])].sort()).toEqual(old.map((scenario) => scenario.id).sort());
    expect(report.scenarios.map((scenario) => scenario.id)).toContain("new-rule-scenario");
  });

  it("fails when a cited section is removed, and not when an uncited one is", async () => {
    copy = copyRepository();
    const cited = `${CORE} §3.5`;
    const text = copy.read(CORE);
    const start = text.indexOf("### 3.5 Caching and validators");
    const end = text.indexOf("### 3.6 ");
    copy.write(CORE, text.slice(0, start) + text.slice(end));
    const removed = await json(copy);
    expect(removed.code).toBe(1);
    expect(removed.report.sections).toContainEqual(expect.objectContaining({ kind: "removed", number: "3.5" }));
    expect(removed.report.errors[0]?.scenarios).toEqual(expect.arrayContaining(citing(cited)));

    // A section no scenario cites may go: listed, but not an error.
    const uncited = ["2.1", "2.3", "2.4", "2.5", "2.6"].find((number) => citing(`${CORE} §${number}`).length === 0);
    expect(uncited).toBeDefined();
    copy.write(CORE, text.replace(new RegExp(`### ${uncited?.replace(".", "\\.")} [^\\n]*\\n`), ""));
    const quiet = await json(copy);
    expect(quiet.report.sections).toContainEqual(expect.objectContaining({ kind: "removed", number: uncited }));
    expect(quiet.report.errors).toEqual([]);
    expect(quiet.code).toBe(0);
  });

  it("compares with the revision given as --base, committed changes included", async () => {
    copy = copyRepository();
    copy.edit(CORE, "### 3.5 Caching and validators\n", "### 3.5 Caching and validators\n\nCommitted.\n");
    copy.commit("edit §3.5");
    expect((await json(copy)).report.sections).toEqual([]);
    const { report } = await json(copy, "--base", "HEAD~1");
    expect(report.base).toBe("HEAD~1");
    expect(report.sections).toEqual([expect.objectContaining({ kind: "edited", number: "3.5" })]);
  });

  it("follows a schema change to its generated types and to the scenarios validating against it", async () => {
    copy = copyRepository();
    const file = "schemas/capabilities.schema.json";
    const schema = JSON.parse(copy.read(file)) as { description: string };
    copy.write(file, `${JSON.stringify({ ...schema, description: `${schema.description} Edited.` }, null, 2)}\n`);
    const { code, report } = await json(copy);
    expect(code).toBe(0);
    const change = report.schemas.find((entry) => entry.schema === "capabilities");
    expect(change).toMatchObject({ kind: "edited", file, pointers: ["/description"] });
    expect(change?.generatedTypes.file).toBe("packages/types/src/generated/capabilities.ts");
    expect(change?.generatedTypes.types).toContain("Capabilities");
    expect(change?.generatedTypes.regenerated).toBe(false);
    expect(change?.validatedBy).toContain("discovery-document");
    expect(report.scenarios.map((scenario) => scenario.id)).toContain("discovery-document");
  });

  it("refuses a --base that is not a commit, and an unknown flag, with exit code 2", async () => {
    copy = copyRepository();
    const unknown = await specImpact(copy, "--base", "no-such-revision");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no-such-revision is not a commit");
    expect((await specImpact(copy, "--bse", "HEAD")).code).toBe(2);
  });
});
