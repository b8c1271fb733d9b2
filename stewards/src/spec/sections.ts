/** One numbered section of a spec file: its heading and the text up to the next heading. */
export interface SpecSection {
  /** `3.5` for "### 3.5 Caching and validators"; `""` for the text before the first numbered heading. */
  readonly number: string;
  readonly title: string;
  /** Heading level (2 for `##`), 0 for the preamble. */
  readonly level: number;
  /** 1-based line of the heading. */
  readonly line: number;
  /** The section's own text, without its heading and without its subsections, trimmed. */
  readonly body: string;
}

// "## 3. Discovery", "### 3.5 Caching and validators", "#### 3.4.1 Active review".
const NUMBERED_HEADING = /^(#{1,6})\s+([0-9]+(?:\.[0-9]+)*)\.?\s+(.*?)\s*#*\s*$/;
const ANY_HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/**
 * Splits a spec file into its numbered sections (plain ATX headings; lines inside fenced code
 * blocks are never headings). An unnumbered heading (the file's title) closes the section
 * before it, and its text goes to the preamble.
 *
 * @example
 * parseSections("# Core\n\nIntro.\n\n## 1. Overview\n\nText.\n").map((s) => s.number); // ["", "1"]
 */
export function parseSections(text: string): SpecSection[] {
  const lines = text.split(/\r?\n/);
  const sections: SpecSection[] = [];
  const preamble: string[] = [];
  let current: { number: string; title: string; level: number; line: number; body: string[] } | undefined;
  let fence: string | undefined;
  const close = () => {
    if (current !== undefined) sections.push({ ...current, body: current.body.join("\n").trim() });
    current = undefined;
  };
  lines.forEach((line, index) => {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch?.[1] !== undefined) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else if (fence === undefined) {
      const numbered = NUMBERED_HEADING.exec(line);
      if (numbered !== null) {
        close();
        const [, hashes = "", number = "", title = ""] = numbered;
        current = { number, title, level: hashes.length, line: index + 1, body: [] };
        return;
      }
      if (ANY_HEADING.test(line)) {
        close();
        preamble.push(line);
        return;
      }
    }
    (current?.body ?? preamble).push(line);
  });
  close();
  const intro = preamble.join("\n").trim();
  return intro === "" ? sections : [{ number: "", title: "(preamble)", level: 0, line: 1, body: intro }, ...sections];
}

/** `3.5.1` → [`3.5`, `3`]: the sections that contain this one, nearest first. */
export function ancestorsOf(number: string): string[] {
  const parts = number.split(".");
  const ancestors: string[] = [];
  for (let length = parts.length - 1; length >= 1; length -= 1) ancestors.push(parts.slice(0, length).join("."));
  return ancestors;
}
