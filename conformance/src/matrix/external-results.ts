import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { validateConformanceResult } from "@openwop/schema";
import type { ConformanceResult, OutcomeSummary, ProfileVerdict, ScenarioOutcome } from "@openwop/types";
import { judgeProfiles } from "../profiles/verdicts.js";
import { summarize } from "../result/document.js";
import type { Scenario } from "../runner/scenario.js";
import { RESULTS_DIR } from "./matrix-index.js";
import { checkSuiteVersion } from "./suite-versions.js";

/** Self-reported results: run by a host's own team, brought in with `pnpm matrix --external`. */
export const EXTERNAL_DIR = `${RESULTS_DIR}/external`;
export const externalResultPath = (slug: string) => `${EXTERNAL_DIR}/${slug}.json`;

/** A result the suite will not take, with the reason in words the submitter can act on. */
export class ExternalResultError extends Error {
  override readonly name = "ExternalResultError";
}

/** One self-reported row, its verdicts recomputed here. */
export interface ExternalRow {
  /** File name stem in `conformance/results/external/`, from the host's implementation name. */
  readonly slug: string;
  /** The document as submitted; its own `profiles` and `summary` are never read for claims. */
  readonly result: ConformanceResult;
  readonly verdicts: readonly ProfileVerdict[];
  readonly summary: OutcomeSummary;
  /** The suite version is known but older than the current one. */
  readonly olderSuite: boolean;
}

/** `host.name` as a kebab-case file name: one row per implementation, updated by a newer submission. */
export function externalSlug(result: Pick<ConformanceResult, "host">): string {
  const slug = result.host.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
  return slug.length === 0 ? "host" : slug;
}

/**
 * Admits a submitted document: it must satisfy schemas/conformance-result.schema.json and
 * come from a suite version this repository knows. Then every profile verdict is computed
 * again by the claim rule, from the scenario outcomes alone, over this repository's sets.
 * Two things are taken from the document because a result carries nothing better: whether
 * each predicate held (it records the discovery digest, not the document), and an operator
 * opt-out — both can only deny a claim the outcomes would otherwise earn, or leave it to them.
 */
export function admitExternalResult(
  document: unknown,
  knownVersions: readonly string[],
  registry: readonly Scenario[],
): ExternalRow {
  const validation = validateConformanceResult(document);
  if (!validation.valid) {
    const first = validation.errors
      .slice(0, 3)
      .map((error) => `${error.path === "" ? "/" : error.path}: ${error.message}`)
      .join("; ");
    throw new ExternalResultError(`not a conformance result (schemas/conformance-result.schema.json): ${first}`);
  }
  const result = document as ConformanceResult;
  const version = checkSuiteVersion(result.suiteVersion, knownVersions);
  if (!version.ok) throw new ExternalResultError(version.reason);
  const ids = result.scenarios.map((scenario) => scenario.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new ExternalResultError(`scenario ${repeated} is recorded twice`);
  return {
    slug: externalSlug(result),
    result,
    verdicts: recomputeVerdicts(result, registry),
    summary: summarize(result.scenarios),
    olderSuite: version.older,
  };
}

/** The claim rule over a recorded result (see `admitExternalResult` for what is taken from it). */
export function recomputeVerdicts(result: ConformanceResult, registry: readonly Scenario[]): ProfileVerdict[] {
  const outcomes = new Map<string, ScenarioOutcome>(
    result.scenarios.map((scenario) => [scenario.id, scenario.outcome]),
  );
  const reported = new Map(result.profiles.map((verdict) => [verdict.profile, verdict]));
  return judgeProfiles(registry, {
    predicate: (profile) => {
      const holds = reported.get(profile.id)?.predicateHolds === true;
      return {
        holds,
        reason: reported.has(profile.id)
          ? `reported ${holds ? "to hold" : "not to hold"} for discovery ${result.discoveryDigest.slice(0, 15)}…`
          : "not reported by the result",
      };
    },
    outcomeOf: (id) => outcomes.get(id),
    optedOut: (profile) => reported.get(profile)?.reason.startsWith("opted out by the operator") === true,
  });
}

/** Reads and admits one file; a path in the message says which submission was refused. */
export async function readExternalResult(
  path: string,
  knownVersions: readonly string[],
  registry: readonly Scenario[],
): Promise<ExternalRow> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ExternalResultError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return admitExternalResult(document, knownVersions, registry);
  } catch (error) {
    if (error instanceof ExternalResultError) throw new ExternalResultError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Every committed self-reported row, sorted by slug; each is admitted again, so a bad file fails. */
export async function readExternalRows(
  root: string,
  knownVersions: readonly string[],
  registry: readonly Scenario[],
): Promise<ExternalRow[]> {
  const files = await readdir(join(root, EXTERNAL_DIR)).catch(() => [] as string[]);
  const rows: ExternalRow[] = [];
  for (const file of files.filter((name) => name.endsWith(".json")).sort()) {
    const row = await readExternalResult(join(root, EXTERNAL_DIR, file), knownVersions, registry);
    if (`${row.slug}.json` !== file)
      throw new ExternalResultError(
        `${EXTERNAL_DIR}/${file}: holds host ${row.result.host.name}, expected in ${row.slug}.json`,
      );
    rows.push(row);
  }
  return rows;
}

/** The committed rows with the new submissions added, a submission replacing its host's old row. */
export function mergeExternalRows(committed: readonly ExternalRow[], submitted: readonly ExternalRow[]): ExternalRow[] {
  const bySlug = new Map(committed.map((row) => [row.slug, row]));
  for (const row of submitted) bySlug.set(row.slug, row);
  return [...bySlug.values()].sort((left, right) => left.slug.localeCompare(right.slug));
}
