import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConformanceResult } from "@openwop/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paletteFor } from "../report/colour.js";
import { inMemoryResult } from "../report/in-memory-run.test-helper.js";
import { summarize } from "../result/document.js";
import { SCENARIOS } from "../scenarios/registry.js";
import { SUITE_VERSION } from "../suite-version.js";
import { matrixCommand } from "./command.js";
import { EXTERNAL_DIR, externalSlug } from "./external-results.js";
import { MATRIX_PATH } from "./render-matrix.js";
import { findRepoRoot } from "./repo-root.js";

const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
// Two small sets the in-memory host passes in full, so the recomputed row has real claims.
const PROFILES_RUN = ["openwop-stream-poll", "openwop-fixtures"] as const;
const RAN = SCENARIOS.filter((scenario) =>
  scenario.profiles.some((profile) => PROFILES_RUN.includes(profile as never)),
);

/** Runs `pnpm matrix` on a directory, collecting what it prints. */
async function matrix(repo: string, argv: string[]) {
  let stderr = "";
  const code = await matrixCommand(argv, {
    root: repo,
    stdout: () => undefined,
    stderr: (text) => {
      stderr += text;
    },
    palette: paletteFor({ isTTY: false }, {}),
    env: {},
    registry: SCENARIOS,
    cwd: repo,
  });
  return { code, stderr };
}

/** A copy of the document with other scenario outcomes; the summary kept consistent so it stays schema-valid. */
function withOutcomes(
  result: ConformanceResult,
  changes: Record<string, ConformanceResult["scenarios"][number]["outcome"]>,
) {
  const scenarios = result.scenarios.map((scenario) =>
    changes[scenario.id] === undefined ? scenario : { ...scenario, outcome: changes[scenario.id] as never },
  );
  return { ...result, scenarios, summary: summarize(scenarios) };
}

/** The cells of the self-reported table's row for `slug`, by column header. */
function selfReportedRow(markdown: string, slug: string): Record<string, string> {
  const section = markdown.slice(markdown.indexOf("## Self-reported results"));
  const lines = section.split("\n").filter((line) => line.startsWith("| "));
  const cells = (line: string) => line.slice(2, -2).split(" | ");
  const header = cells(lines[0] ?? "");
  const row = lines.find((line) => line.startsWith(`| ${slug} |`));
  expect(row, `row ${slug}`).toBeDefined();
  return Object.fromEntries(cells(row as string).map((value, index) => [header[index] ?? String(index), value]));
}

describe("pnpm matrix --external with a result a real run produced", () => {
  let repo: string;
  let result: ConformanceResult;
  let submission: string;
  let baseline: string;

  beforeAll(async () => {
    result = await inMemoryResult(RAN.map((scenario) => scenario.id));
    repo = await mkdtemp(join(tmpdir(), "openwop-external-"));
    // A repository-like directory: the committed CI results and an empty pnpm workspace marker.
    await mkdir(join(repo, "conformance", "results"), { recursive: true });
    for (const file of (await readdir(join(root, "conformance", "results"))).filter((name) => name.endsWith(".json")))
      await cp(join(root, "conformance", "results", file), join(repo, "conformance", "results", file));
    expect((await matrix(repo, ["--render-only"])).code).toBe(0);
    baseline = await readFile(join(repo, MATRIX_PATH), "utf8");
    submission = join(repo, "submitted.json");
    await writeFile(submission, JSON.stringify(result));
  }, 180_000);
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it("the real run passed the sets it ran, and claims them only for those profiles", () => {
    expect(result.scenarios.map((scenario) => scenario.outcome)).toEqual(RAN.map(() => "pass"));
    expect(result.suiteVersion).toBe(SUITE_VERSION);
  });

  it("adds a self-reported row with recomputed verdicts, leaves the CI rows alone, and survives --check", async () => {
    // Relative to where the command was typed (pnpm's INIT_CWD), here the repository itself.
    const added = await matrix(repo, ["--external", "submitted.json"]);
    expect(added.code, added.stderr).toBe(0);
    const slug = externalSlug(result);
    expect(await readdir(join(repo, EXTERNAL_DIR))).toEqual([`${slug}.json`]);
    expect(JSON.parse(await readFile(join(repo, EXTERNAL_DIR, `${slug}.json`), "utf8"))).toEqual(result);

    const markdown = await readFile(join(repo, MATRIX_PATH), "utf8");
    // The CI part is byte for byte what it was; the new section sits before the file notes.
    const sectionStart = markdown.indexOf("## Self-reported results");
    expect(sectionStart).toBeGreaterThan(0);
    expect(markdown.slice(0, sectionStart)).toBe(baseline.slice(0, baseline.indexOf("## Files")));
    expect(markdown).toContain(`### ${slug} (self-reported)`);
    expect(markdown).toContain(result.command);
    const row = selfReportedRow(markdown, slug);
    expect(row.Suite).toBe(SUITE_VERSION);
    expect(row.Date).toBe(result.startedAt.slice(0, 10));
    expect(row["`openwop-stream-poll`"]).toBe("✅ claimed");
    expect(row["`openwop-fixtures`"]).toBe("✅ claimed");
    // Its predicate holds on the in-memory host, but its scenarios were not in this run.
    expect(row["`openwop-core-standard`"]).toBe("❌ not claimed");

    const check = await matrix(repo, ["--check", "--render-only"]);
    expect(check.code, check.stderr).toBe(0);
  });

  it("ignores claims the outcomes do not earn, and --check fails when a committed row's outcomes change", async () => {
    const slug = externalSlug(result);
    const lying = {
      ...withOutcomes(result, { [RAN[0]?.id ?? ""]: "fail" }),
      profiles: result.profiles.map((verdict) => ({
        ...verdict,
        predicateHolds: verdict.predicateHolds,
        claimed: true,
      })),
    };
    const lyingPath = join(repo, "lying.json");
    await writeFile(lyingPath, JSON.stringify(lying));
    const added = await matrix(repo, ["--external", lyingPath]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/claimed in the document but not earned by its outcomes: .*openwop-core/);
    const row = selfReportedRow(await readFile(join(repo, MATRIX_PATH), "utf8"), slug);
    const failedProfile = RAN[0]?.profiles[0] ?? "";
    expect(row[`\`${failedProfile}\``]).toBe("❌ not claimed");
    expect(row["`openwop-production`"]).not.toBe("✅ claimed");

    // Someone edits the committed row by hand: the recomputed section no longer matches.
    await writeFile(join(repo, EXTERNAL_DIR, `${slug}.json`), JSON.stringify(result));
    const drift = await matrix(repo, ["--check", "--render-only"]);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain(`${MATRIX_PATH}: differs`);
    // Putting the submission back through --external restores agreement.
    expect((await matrix(repo, ["--external", submission])).code).toBe(0);
    expect((await matrix(repo, ["--check", "--render-only"])).code).toBe(0);
  });

  it("--check --external fails while the submission is not yet committed as it would be written", async () => {
    const other = { ...result, host: { ...result.host, name: "Someone Else's Host" } };
    const path = join(repo, "other.json");
    await writeFile(path, JSON.stringify(other));
    const check = await matrix(repo, ["--check", "--external", path]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`${EXTERNAL_DIR}/someone-else-s-host.json: missing`);
  });

  it("refuses a document the schema rejects, and suite versions this repository does not know", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...result, summary: undefined }, /not a conformance result .*summary/],
      [{ ...result, extra: true }, /not a conformance result/],
      [{ ...result, suiteVersion: "99.0.0" }, /newer than this repository's/],
      [{ ...result, suiteVersion: "0.0.1" }, /not one this repository released/],
      [{ ...result, suiteVersion: "latest" }, /not major\.minor\.patch/],
    ];
    for (const [document, message] of cases) {
      const path = join(repo, "refused.json");
      await writeFile(path, JSON.stringify(document));
      const refused = await matrix(repo, ["--external", path]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    const broken = join(repo, "broken.json");
    await writeFile(broken, "{");
    expect((await matrix(repo, ["--external", broken])).stderr).toMatch(/broken\.json: .*JSON/);
  });

  it("admits a version the changelog records, says it is older, and names it in the section", async () => {
    await mkdir(join(repo, "conformance"), { recursive: true });
    await writeFile(
      join(repo, "conformance", "CHANGELOG.md"),
      `# @openwop/conformance\n\n## ${SUITE_VERSION}\n\n## 0.0.9\n`,
    );
    const older = { ...result, host: { ...result.host, name: "older-host" }, suiteVersion: "0.0.9" };
    const path = join(repo, "older.json");
    await writeFile(path, JSON.stringify(older));
    const added = await matrix(repo, ["--external", path]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(`produced by suite 0.0.9, older than the current ${SUITE_VERSION}`);
    const markdown = await readFile(join(repo, MATRIX_PATH), "utf8");
    expect(markdown).toContain(`with suite 0.0.9 — older than the current ${SUITE_VERSION}`);
    expect(selfReportedRow(markdown, "older-host").Suite).toBe("0.0.9");
  });
});
