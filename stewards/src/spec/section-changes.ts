import { parseSections, type SpecSection } from "./sections.js";

export type SectionChangeKind = "added" | "removed" | "edited" | "renumbered";

/** One section whose text differs between the base and the head of a comparison. */
export interface SectionChange {
  readonly kind: SectionChangeKind;
  /** Repository-relative, e.g. `spec/v1/core.md`. */
  readonly file: string;
  /** The number in the base (`removed`, `edited`, `renumbered`), or in the head (`added`). */
  readonly number: string;
  readonly title: string;
  /** `renumbered`: the number it has now. */
  readonly newNumber?: string;
  /** When the heading's title changed too. */
  readonly newTitle?: string;
  /** `renumbered`: whether its text changed as well as its number. */
  readonly bodyChanged?: boolean;
}

/** Titles that occur once in a file, to their section: only those identify a moved section. */
function uniqueTitles(sections: readonly SpecSection[]): Map<string, SpecSection> {
  const counts = new Map<string, number>();
  for (const section of sections) counts.set(section.title, (counts.get(section.title) ?? 0) + 1);
  return new Map(sections.filter((section) => counts.get(section.title) === 1).map((s) => [s.title, s]));
}

/**
 * The sections of one file that were added, removed, edited or renumbered between two
 * versions of its text (`undefined`: the file does not exist in that version).
 *
 * A section keeps its identity through its number and title: the same number with the same
 * title is the same section (edited when its text differs); a base section whose title (or,
 * failing that, whose text) reappears under another number was renumbered; a number that
 * survives under a new title whose old title is nowhere else was retitled, which counts as
 * an edit; what is left was removed or added.
 */
export function sectionChanges(
  file: string,
  baseText: string | undefined,
  headText: string | undefined,
): SectionChange[] {
  if (baseText === headText) return [];
  const base = parseSections(baseText ?? "");
  const head = parseSections(headText ?? "");
  const headByNumber = new Map(head.map((section) => [section.number, section]));
  const headTitles = uniqueTitles(head);
  const baseTitles = uniqueTitles(base);
  const matched = new Set<SpecSection>();
  const changes: SectionChange[] = [];

  const movedTo = (section: SpecSection): SpecSection | undefined => {
    const byTitle = headTitles.get(section.title);
    if (byTitle !== undefined && byTitle.number !== section.number && !matched.has(byTitle)) return byTitle;
    if (section.body === "") return undefined;
    return head.find(
      (candidate) =>
        candidate.number !== section.number &&
        !matched.has(candidate) &&
        candidate.body === section.body &&
        !baseTitles.has(candidate.title),
    );
  };

  // Pass 1: sections that kept number and title.
  for (const section of base) {
    const same = headByNumber.get(section.number);
    if (same === undefined || same.title !== section.title) continue;
    matched.add(same);
    if (same.body !== section.body)
      changes.push({ kind: "edited", file, number: section.number, title: section.title });
  }
  // Pass 2: the rest moved, were retitled, or went away.
  for (const section of base) {
    const same = headByNumber.get(section.number);
    if (same !== undefined && same.title === section.title) continue;
    const target = movedTo(section);
    if (target !== undefined) {
      matched.add(target);
      changes.push({
        kind: "renumbered",
        file,
        number: section.number,
        title: section.title,
        newNumber: target.number,
        ...(target.title !== section.title ? { newTitle: target.title } : {}),
        bodyChanged: target.body !== section.body,
      });
    } else if (same !== undefined && !matched.has(same) && !baseTitles.has(same.title)) {
      matched.add(same);
      changes.push({ kind: "edited", file, number: section.number, title: section.title, newTitle: same.title });
    } else {
      changes.push({ kind: "removed", file, number: section.number, title: section.title });
    }
  }
  for (const section of head) {
    if (!matched.has(section)) changes.push({ kind: "added", file, number: section.number, title: section.title });
  }
  return changes.sort((a, b) => compareSectionNumbers(a.number, b.number) || a.kind.localeCompare(b.kind));
}

/** Orders `2.10` after `2.9`, and the preamble (`""`) first. */
export function compareSectionNumbers(a: string, b: string): number {
  const left = a === "" ? [] : a.split(".").map(Number);
  const right = b === "" ? [] : b.split(".").map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? -1) - (right[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
