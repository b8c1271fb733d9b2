/**
 * How a scenario cites the specification, and when a citation resolves: one definition for
 * the registry's own check (every citation names a heading that exists) and for the stewards'
 * tools that ask which scenarios a spec change touches.
 */

/** `spec/v1/<file>.md §N.M`, the only shape a scenario's `spec` and `alsoCites` take. */
export const CITATION_PATTERN = /^spec\/v[0-9]+\/[A-Za-z0-9._/-]+\.md §[0-9]+(\.[0-9]+)*$/;

export interface Citation {
  /** Repository-relative path of the cited file, e.g. `spec/v1/core.md`. */
  readonly file: string;
  /** The section number, e.g. `3.5`. */
  readonly section: string;
}

/**
 * Splits a citation into file and section, or `undefined` when it is not well-formed.
 *
 * @example
 * parseCitation("spec/v1/core.md §3.5"); // { file: "spec/v1/core.md", section: "3.5" }
 */
export function parseCitation(citation: string): Citation | undefined {
  if (!CITATION_PATTERN.test(citation)) return undefined;
  const [file, section] = citation.split(" §") as [string, string];
  return { file, section };
}

/**
 * The heading a section number resolves to: spec headings read "## 3. Discovery" or
 * "### 3.5 Caching and validators" (levels 2 to 4).
 */
export function sectionHeadingPattern(section: string): RegExp {
  return new RegExp(`^#{2,4} ${section.replaceAll(".", "\\.")}\\.?\\s`, "m");
}

/**
 * Whether `citation` names a heading of the cited file, given that file's text (`undefined`
 * when the file does not exist).
 *
 * @example
 * citationResolves("spec/v1/core.md §3.5", readFileSync("spec/v1/core.md", "utf8")); // true
 */
export function citationResolves(citation: string, fileText: string | undefined): boolean {
  const parsed = parseCitation(citation);
  if (parsed === undefined || fileText === undefined) return false;
  return sectionHeadingPattern(parsed.section).test(fileText);
}
