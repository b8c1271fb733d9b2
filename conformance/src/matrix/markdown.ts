/** A Markdown table; cells have `|` escaped so ids and reasons cannot break the layout. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The longest run of backticks in `text`, so a code span or fence can be made longer. */
const longestBacktickRun = (text: string) => Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));

/** Inline code that submitted text cannot close early (CommonMark: a longer delimiter run). */
export function inlineCode(text: string): string {
  const fence = "`".repeat(longestBacktickRun(text) + 1);
  const padded = text.startsWith("`") || text.endsWith("`") ? ` ${text} ` : text;
  return `${fence}${padded.replaceAll("\n", " ")}${fence}`;
}

/** A fenced block that submitted text cannot close early. */
export function codeBlock(text: string): string[] {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [fence, text, fence];
}
