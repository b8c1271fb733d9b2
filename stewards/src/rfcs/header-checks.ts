import { parseSections } from "../spec/sections.js";
import type { Tree } from "../trees.js";
import { PROCESS_FILE, type RfcDocument, statusOf } from "./rfc-document.js";

/** What RFC 0001 allows: its lifecycle statuses (§3.4) and compatibility classes (§3.6). */
export interface ProcessVocabulary {
  readonly statuses: readonly string[];
  /** Lower-case, hyphenated: `additive`, `behavioural-tightening`, `breaking`. */
  readonly classes: readonly string[];
}

/** Statuses whose RFC has been decided, and so carries a Decided date. */
const DECIDED_STATUSES = ["Accepted", "Rejected", "Withdrawn"];
const REQUIRED_FIELDS = ["Status", "Author(s)", "Created", "Compatibility class", "Touches"];
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/**
 * Reads the statuses from the lifecycle table of RFC 0001 §3.4 (its `**Status**` cells) and
 * the classes from the headings of §3.6's subsections, so the process document stays the one
 * place they are defined.
 */
export function processVocabulary(tree: Tree): ProcessVocabulary {
  const sections = parseSections(tree.read(PROCESS_FILE) ?? "");
  const lifecycle = sections.find((section) => section.number === "3.4")?.body ?? "";
  const statuses = [...lifecycle.matchAll(/^\|\s*\*\*([A-Za-z]+)\*\*\s*\|/gm)].map((match) => match[1] ?? "");
  const classes = sections
    .filter((section) => /^3\.6\.[0-9]+$/.test(section.number))
    .map((section) => section.title.toLowerCase().replaceAll(/\s+/g, "-"));
  return { statuses, classes };
}

// Backticked words that name a file by extension alone (`INTEROP-MATRIX.md`), as opposed to
// a dotted member name such as `auth.oidc` or `limits.maxJsonDepth`.
const FILE_EXTENSION = /\.(?:md|json|ts|mjs|js|yaml|yml)$/;

/** The paths named in a Touches field: backticked text that looks like a repository path. */
export function touchedPaths(touches: string): string[] {
  const paths: string[] = [];
  for (const match of touches.matchAll(/`([^`]+)`/g)) {
    const path = (match[1] ?? "").split(" §")[0]?.trim() ?? "";
    if (/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]*)*$/.test(path) && (path.includes("/") || FILE_EXTENSION.test(path)))
      paths.push(path);
  }
  return paths;
}

/** `RFC 0009` references of a field. */
export const rfcReferences = (text: string) => [...text.matchAll(/RFC ([0-9]{4})/g)].map((match) => match[1] ?? "");

/** The compatibility classes a Compatibility class field names (an RFC may name several, one per part). */
export function namedClasses(value: string, vocabulary: ProcessVocabulary): string[] {
  const normalised = value.toLowerCase().replaceAll(/\s+/g, "-");
  return vocabulary.classes.filter((name) => normalised.includes(name));
}

/** Problems with the RFCs' headers, each naming its file: empty when every header is sound. */
export function headerProblems(rfcs: readonly RfcDocument[], tree: Tree, vocabulary: ProcessVocabulary): string[] {
  const problems: string[] = [];
  const byNumber = new Map<string, string[]>();
  for (const rfc of rfcs) {
    const problem = (text: string) => problems.push(`${rfc.file}: ${text}`);
    if (rfc.fileNumber === undefined) problem("file name is not NNNN-short-slug.md");
    if (rfc.number === undefined || rfc.title === undefined) problem('first heading is not "# RFC NNNN — Title"');
    else if (rfc.fileNumber !== undefined && rfc.number !== rfc.fileNumber)
      problem(`heading says RFC ${rfc.number}, file name says ${rfc.fileNumber}`);
    const number = rfc.fileNumber ?? rfc.number;
    if (number !== undefined) byNumber.set(number, [...(byNumber.get(number) ?? []), rfc.file]);
    for (const field of REQUIRED_FIELDS) if (!rfc.fields.get(field)) problem(`header field ${field} is missing`);

    const status = statusOf(rfc);
    if (status !== undefined && !vocabulary.statuses.includes(status))
      problem(`status "${status}" is not one of ${vocabulary.statuses.join(", ")} (${PROCESS_FILE} §3.4)`);
    for (const field of ["Created", "Decided"]) {
      const value = rfc.fields.get(field);
      if (value !== undefined && !DATE.test(value)) problem(`${field} "${value}" is not a YYYY-MM-DD date`);
    }
    if (status !== undefined && DECIDED_STATUSES.includes(status) && rfc.fields.get("Decided") === undefined)
      problem(`status ${status} needs a Decided date`);
    const compatibility = rfc.fields.get("Compatibility class");
    if (compatibility && namedClasses(compatibility, vocabulary).length === 0)
      problem(`compatibility class names none of ${vocabulary.classes.join(", ")} (${PROCESS_FILE} §3.6)`);
    for (const path of touchedPaths(rfc.fields.get("Touches") ?? "")) {
      if (!tree.exists(path)) problem(`touches ${path}, which does not exist`);
    }
    for (const field of ["Supersedes", "Superseded by"]) {
      for (const referenced of rfcReferences(rfc.fields.get(field) ?? "")) {
        if (!rfcs.some((other) => other.fileNumber === referenced))
          problem(`${field} names RFC ${referenced}, which does not exist`);
      }
    }
  }
  for (const [number, files] of byNumber) {
    if (files.length > 1) problems.push(`RFC ${number} is used by ${files.length} files: ${files.join(", ")}`);
  }
  return problems;
}
