import { afterEach, describe, expect, it } from "vitest";
import { BUILT_REGISTRY } from "../cli/rfc-check-command.js";
import { runCli } from "../cli/run-cli.js";
import { copyRepository, REPO_ROOT, type RepoCopy } from "../test-support/repo-copy.test-helper.js";
import { workingTree } from "../trees.js";
import { parseCriteria } from "./acceptance-criteria.js";
import { schemaHasProperty } from "./check-criteria.js";
import { acceptanceFailures, rfcAcceptance } from "./rfc-acceptance.js";
import { TEMPLATE_FILE } from "./rfc-document.js";

/** What the criteria of RFCs 0009–0011 read: the RFCs and every file they name. */
const CRITERIA_INPUTS = [
  "RFCS",
  "spec",
  "schemas",
  ".changeset",
  "CHANGELOG.md",
  "conformance/coverage.md",
  "conformance/results",
  "INTEROP-MATRIX.md",
  // RFC 0016 names the expression module as one of its criteria, RFC 0019 the interrupt node and its host suite.
  "packages/core/src/workflow/expression.ts",
  "packages/core/src/nodes/gates.ts",
  "packages/server/src/testing/host-suite-node-types.ts",
];

async function rfcCheck(copy: RepoCopy, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["rfc-check", "--root", copy.root, ...args], {
    cwd: copy.root,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

const fence = (yaml: string) =>
  `# RFC 0099 — X\n\n## Acceptance criteria\n\n\`\`\`yaml acceptance-criteria\n${yaml}\n\`\`\`\n`;

describe("acceptance criteria of the Accepted RFCs", () => {
  it("all hold in this repository (pnpm rfc:check)", async () => {
    const report = rfcAcceptance(workingTree(REPO_ROOT), BUILT_REGISTRY);
    expect(acceptanceFailures(report)).toEqual([]);
  });

  it("are shown in the template with examples of every kind, all of them readable", () => {
    const template = workingTree(REPO_ROOT).read(TEMPLATE_FILE) ?? "";
    const { criteria, problems } = parseCriteria(template);
    expect(problems).toEqual([]);
    expect(new Set(criteria?.map((criterion) => criterion.kind))).toEqual(
      new Set(["file", "scenario", "schema-property", "matrix-claim", "changeset"]),
    );
  });

  it("are listed as data by RFCs 0009, 0010 and 0011", async () => {
    const report = rfcAcceptance(workingTree(REPO_ROOT), BUILT_REGISTRY);
    for (const number of ["0009", "0010", "0011"]) {
      const rfc = report.find((entry) => entry.number === number);
      expect(rfc?.enforced, number).toBe(true);
      expect(rfc?.results?.length, number).toBeGreaterThan(5);
    }
  });
});

describe("pnpm rfc:check", () => {
  let copy: RepoCopy | undefined;
  afterEach(() => copy?.remove());

  it("fails on an unmet criterion of an Accepted RFC and names it", async () => {
    copy = copyRepository(CRITERIA_INPUTS);
    expect((await rfcCheck(copy)).code).toBe(0);
    copy.edit(
      "RFCS/0010-key-management.md",
      "- scenario: keys-expiry\n  profile: openwop-auth-api-key-rotation",
      "- scenario: keys-expiry\n  profile: openwop-webhooks",
    );
    copy.edit("RFCS/0011-durable-webhooks.md", "- changeset: RFC 0011", "- changeset: RFC 0011 and nothing else");
    copy.edit(
      "RFCS/0009-production-profile-conformance.md",
      "property: production.debugBundle",
      "property: production.nope",
    );
    const { code, stdout, stderr } = await rfcCheck(copy);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "RFCS/0010-key-management.md: scenario keys-expiry is registered, in openwop-webhooks: its profiles are openwop-auth-api-key-rotation",
    );
    expect(stderr).toContain('RFCS/0011-durable-webhooks.md: a changeset mentions "RFC 0011 and nothing else"');
    expect(stderr).toContain("schemas/capabilities.schema.json has property production.nope: no such property");
    expect(stdout).toMatch(/FAIL scenario keys-expiry/);
  });

  it("fails when a matrix row stops claiming a profile an Accepted RFC says it claims", async () => {
    copy = copyRepository(CRITERIA_INPUTS);
    const file = "conformance/results/postgres.json";
    const results = JSON.parse(copy.read(file)) as { profiles: { profile: string; claimed: boolean }[] };
    for (const profile of results.profiles)
      if (profile.profile === "openwop-auth-api-key-rotation") profile.claimed = false;
    copy.write(file, JSON.stringify(results));
    const { code, stderr } = await rfcCheck(copy, "--json");
    expect(code).toBe(1);
    expect(stderr).toContain("matrix row postgres claims openwop-auth-api-key-rotation: its results do not claim it");
  });

  it("reports but does not enforce the criteria of an RFC that is not Accepted", async () => {
    copy = copyRepository(CRITERIA_INPUTS);
    copy.write(
      "RFCS/0099-draft.md",
      fence("- file: spec/v1/not-written-yet.md").replace(
        "# RFC 0099 — X\n",
        "# RFC 0099 — X\n\n- **Status:** Draft\n",
      ),
    );
    const { code, stdout } = await rfcCheck(copy);
    expect(code).toBe(0);
    expect(stdout).toContain("RFC 0099 (Draft): 0/1 met (not Accepted: not enforced)");
  });
});

describe("parseCriteria", () => {
  it("reads every kind of item", async () => {
    const parsed = parseCriteria(
      fence(
        [
          "- file: spec/v1/core.md",
          "- scenario: idempotency",
          "- scenario: idempotency\n  profile: openwop-production",
          "- schema: capabilities\n  property: production.retention",
          "- matrix: sqlite\n  claims: openwop-production",
          "- changeset: RFC 0009",
        ].join("\n"),
      ),
    );
    expect(parsed).toEqual({
      problems: [],
      criteria: [
        { kind: "file", path: "spec/v1/core.md" },
        { kind: "scenario", id: "idempotency" },
        { kind: "scenario", id: "idempotency", profile: "openwop-production" },
        { kind: "schema-property", schema: "capabilities", property: "production.retention" },
        { kind: "matrix-claim", row: "sqlite", profile: "openwop-production" },
        { kind: "changeset", mentions: "RFC 0009" },
      ],
    });
  });

  it("refuses items it cannot check rather than passing them", async () => {
    const { problems } = parseCriteria(
      fence(
        ["- fiel: x", "- scenario: a\n  profiles: b", "- schema: capabilities", "- matrix: 3\n  claims: p", "- 7"].join(
          "\n",
        ),
      ),
    );
    expect(problems).toEqual([
      "acceptance criterion 1 starts with fiel, not one of file, scenario, schema, matrix, changeset",
      "acceptance criterion 2 has unknown key(s) profiles",
      "acceptance criterion 3 lacks property",
      "acceptance criterion 4: matrix must be non-empty text",
      "acceptance criterion 5 is not a mapping",
    ]);
    expect(parseCriteria("# RFC 0099 — X\n\nNo block.\n")).toEqual({ criteria: undefined, problems: [] });
  });
});

describe("schemaHasProperty", () => {
  it("follows $ref into $defs and stops at members that are not declared", async () => {
    const tree = workingTree(REPO_ROOT);
    expect(schemaHasProperty(tree, "capabilities", "production.retention.testForceExpire")).toBe(true);
    expect(schemaHasProperty(tree, "capabilities", "production.retention.noSuchMember")).toBe(false);
    expect(schemaHasProperty(tree, "capabilities", "supported")).toBe(false);
    expect(schemaHasProperty(tree, "no-such-schema", "x")).toBe(false);
  });
});
