import type { Tree } from "../trees.js";
import { parseCriteria } from "./acceptance-criteria.js";
import { type CriterionResult, checkCriteria, type Registry } from "./check-criteria.js";
import { readRfcs, statusOf } from "./rfc-document.js";

/** The status whose criteria must hold: an Accepted RFC has landed (RFC 0001 §3.7). */
export const CHECKED_STATUS = "Accepted";

export interface RfcAcceptance {
  readonly file: string;
  readonly number: string | undefined;
  readonly status: string | undefined;
  /** `undefined` when the RFC lists no criteria as data. */
  readonly results: readonly CriterionResult[] | undefined;
  /** Whether its results decide the check (Accepted), or are shown for information only. */
  readonly enforced: boolean;
  /** The criteria block cannot be read. */
  readonly problems: readonly string[];
}

/** Every RFC with its acceptance criteria checked against the tree and the registry. */
export function rfcAcceptance(tree: Tree, registry: Registry): RfcAcceptance[] {
  return readRfcs(tree).map((rfc) => {
    const { criteria, problems } = parseCriteria(rfc.text);
    const status = statusOf(rfc);
    return {
      file: rfc.file,
      number: rfc.fileNumber ?? rfc.number,
      status,
      results: criteria === undefined ? undefined : checkCriteria(criteria, tree, registry),
      enforced: status === CHECKED_STATUS,
      problems,
    };
  });
}

/** What fails the check: unreadable criteria anywhere, and unmet criteria of an Accepted RFC. */
export function acceptanceFailures(report: readonly RfcAcceptance[]): string[] {
  return report.flatMap((rfc) => [
    ...rfc.problems.map((problem) => `${rfc.file}: ${problem}`),
    ...(rfc.enforced ? (rfc.results ?? []) : [])
      .filter((result) => !result.met)
      .map((result) => `${rfc.file}: ${result.description}: ${result.detail ?? "not met"}`),
  ]);
}
