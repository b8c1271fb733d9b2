import { renameSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { copyRepository, REPO_ROOT, type RepoCopy } from "../test-support/repo-copy.test-helper.js";
import { workingTree } from "../trees.js";
import { headerProblems, processVocabulary } from "./header-checks.js";
import { renderRfcIndex } from "./render-index.js";
import { INDEX_FILE, readRfcs } from "./rfc-document.js";

/** What the RFC headers may name: the RFCs, and the files they touch. */
const RFC_INPUTS = ["RFCS", "spec", "schemas", "conformance/coverage.md", "INTEROP-MATRIX.md"];

async function rfcIndex(copy: RepoCopy, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["rfc-index", "--root", copy.root, ...args], {
    cwd: copy.root,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe("RFCS/README.md", () => {
  it("is what the RFC headers generate, and every header is sound (regenerate with pnpm rfcs)", async () => {
    const tree = workingTree(REPO_ROOT);
    const rfcs = readRfcs(tree);
    const vocabulary = processVocabulary(tree);
    expect(headerProblems(rfcs, tree, vocabulary)).toEqual([]);
    expect(tree.read(INDEX_FILE), "RFCS/README.md is stale or edited by hand: run pnpm rfcs").toBe(
      renderRfcIndex(rfcs, vocabulary),
    );
  });

  it("takes its statuses and compatibility classes from RFC 0001", async () => {
    expect(processVocabulary(workingTree(REPO_ROOT))).toEqual({
      statuses: ["Draft", "Active", "Accepted", "Rejected", "Withdrawn"],
      classes: ["additive", "behavioural-tightening", "breaking"],
    });
  });
});

describe("pnpm rfcs", () => {
  let copy: RepoCopy | undefined;
  afterEach(() => copy?.remove());

  it("fails the check after a hand edit of the index, and regenerating repairs it", async () => {
    copy = copyRepository(RFC_INPUTS);
    expect((await rfcIndex(copy, "--check")).code).toBe(0);
    copy.edit(INDEX_FILE, "| Accepted |", "| Active |");
    const drifted = await rfcIndex(copy, "--check");
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain("run pnpm rfcs");
    expect((await rfcIndex(copy)).code).toBe(0);
    expect((await rfcIndex(copy, "--check")).code).toBe(0);
  });

  it("follows a header change into the index", async () => {
    copy = copyRepository(RFC_INPUTS);
    copy.edit(
      "RFCS/0012-hostile-input.md",
      "- **Decided:** 2026-12-06\n",
      "- **Decided:** 2026-12-06\n- **Supersedes:** RFC 0009\n",
    );
    expect((await rfcIndex(copy)).code).toBe(0);
    expect(copy.read(INDEX_FILE)).toMatch(
      /\| \[0012\][^\n]*\| \[RFC 0009\]\(0009-production-profile-conformance\.md\) \| — \|/,
    );
  });

  it("refuses headers that break the process's rules, naming the file and the rule", async () => {
    copy = copyRepository(RFC_INPUTS);
    copy.edit("RFCS/0009-production-profile-conformance.md", "- **Status:** Accepted", "- **Status:** Approved");
    copy.edit("RFCS/0011-durable-webhooks.md", "`spec/v1/webhooks.md §1", "`spec/v1/no-such-file.md §1");
    copy.edit("RFCS/0012-hostile-input.md", "# RFC 0012 —", "# RFC 0021 —");
    copy.edit("RFCS/0013-run-management.md", "- **Compatibility class:** additive", "- **Compatibility class:** mild");
    renameSync(join(copy.root, "RFCS/0010-key-management.md"), join(copy.root, "RFCS/0001-key-management.md"));
    copy.edit("RFCS/0001-key-management.md", "# RFC 0010 —", "# RFC 0001 —");

    const { code, stderr } = await rfcIndex(copy);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'RFCS/0009-production-profile-conformance.md: status "Approved" is not one of Draft, Active',
    );
    expect(stderr).toContain("RFCS/0011-durable-webhooks.md: touches spec/v1/no-such-file.md, which does not exist");
    expect(stderr).toContain("RFCS/0012-hostile-input.md: heading says RFC 0021, file name says 0012");
    expect(stderr).toContain("RFCS/0013-run-management.md: compatibility class names none of");
    expect(stderr).toContain("RFC 0001 is used by 2 files: RFCS/0001-key-management.md, RFCS/0001-rfc-process.md");
    // Nothing is written while a header is wrong.
    expect(copy.read(INDEX_FILE)).toContain("[0010](0010-key-management.md)");
  });
});
