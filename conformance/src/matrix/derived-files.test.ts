import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/registry.js";
import { CITATION_PATTERN, citationResolves, parseCitation } from "../spec-citations.js";
import { derivedFiles, driftReport, readCommittedInputs } from "./outputs.js";
import { PRODUCTION_REQUIREMENTS, witnessesOf } from "./production-requirements.js";
import { findRepoRoot } from "./repo-root.js";

const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

describe("generated conformance files", () => {
  it("match what the committed results and the registry generate (pnpm matrix --render-only)", async () => {
    const { index, results } = await readCommittedInputs(root);
    expect(await driftReport(root, derivedFiles(index, results, SCENARIOS))).toEqual([]);
  });

  it("describe a drifted or missing file by its first differing lines", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openwop-drift-"));
    try {
      await writeFile(join(dir, "a.md"), "same\nold line\n");
      const problems = await driftReport(
        dir,
        new Map([
          ["a.md", "same\nnew line\n"],
          ["b.md", "x\n"],
        ]),
      );
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/a\.md: differs[\s\S]*line 2:\n {4}committed: old line\n {4}generated: new line/);
      expect(problems[1]).toMatch(/b\.md: missing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("map every production requirement except P6's log records to at least one witness", () => {
    const witnesses = Object.fromEntries(
      PRODUCTION_REQUIREMENTS.map((requirement) => [
        requirement.id,
        witnessesOf(requirement, SCENARIOS).map((scenario) => scenario.id),
      ]),
    );
    expect(witnesses).toEqual({
      P1: ["restart-during-run", "stale-claim"],
      P2: ["production-backpressure"],
      P3: ["idempotency-replay", "idempotency-key-mismatch", "idempotency-concurrent", "idempotency-retry"],
      P4: ["production-retention-expiry"],
      P5: ["debug-bundle-truncation"],
      P6: ["restart-during-run", "stale-claim"],
    });
  });

  it("every citation names a section heading that exists in spec/", () => {
    for (const scenario of SCENARIOS) {
      for (const citation of [scenario.spec, ...(scenario.alsoCites ?? [])]) {
        expect(citation, scenario.id).toMatch(CITATION_PATTERN);
        const { file } = parseCitation(citation)!;
        const text = existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8") : undefined;
        expect(citationResolves(citation, text), `${scenario.id} cites ${citation}`).toBe(true);
      }
    }
  });
});
