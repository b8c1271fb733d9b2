import type { Tree } from "../trees.js";

export const RFC_DIR = "RFCS";
export const INDEX_FILE = `${RFC_DIR}/README.md`;
export const TEMPLATE_FILE = `${RFC_DIR}/0000-template.md`;
export const PROCESS_FILE = `${RFC_DIR}/0001-rfc-process.md`;

const FILE_NAME = /^([0-9]{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$/;
const TITLE = /^# RFC ([0-9]{4}) [—–-] (.+?)\s*$/;
const FIELD = /^- \*\*([^*]+?):\*\*\s*(.*)$/;

/** One RFC file as written: its title line and the bullet header under it. */
export interface RfcDocument {
  /** Repository-relative path, `RFCS/0009-production-profile-conformance.md`. */
  readonly file: string;
  /** The number in the file name, when the name has the `NNNN-slug.md` shape. */
  readonly fileNumber: string | undefined;
  /** The number in the `# RFC NNNN — Title` line. */
  readonly number: string | undefined;
  readonly title: string | undefined;
  /** Header fields by name as written (`Status`, `Compatibility class`, ...); continuation lines joined. */
  readonly fields: ReadonlyMap<string, string>;
  readonly text: string;
}

/** The RFC files of a tree: every `RFCS/*.md` except the index and the template. */
export function rfcFiles(tree: Tree): string[] {
  return tree
    .list(RFC_DIR)
    .filter(
      (name) => name.endsWith(".md") && `${RFC_DIR}/${name}` !== INDEX_FILE && `${RFC_DIR}/${name}` !== TEMPLATE_FILE,
    )
    .map((name) => `${RFC_DIR}/${name}`);
}

/**
 * Reads the title and header fields of an RFC: the `- **Field:** value` bullets right under
 * the title, a field's value continuing on indented lines.
 *
 * @example
 * parseRfc("RFCS/0009-x.md", "# RFC 0009 — X\n\n- **Status:** Accepted\n").fields.get("Status"); // "Accepted"
 */
export function parseRfc(file: string, text: string): RfcDocument {
  const name = file.slice(file.lastIndexOf("/") + 1);
  const lines = text.split(/\r?\n/);
  const titleIndex = lines.findIndex((line) => line.startsWith("# "));
  const title = titleIndex >= 0 ? TITLE.exec(lines[titleIndex] ?? "") : null;
  const fields = new Map<string, string>();
  let current: string | undefined;
  let started = false;
  for (const line of lines.slice(titleIndex + 1)) {
    const field = FIELD.exec(line);
    if (field !== null) {
      started = true;
      current = field[1]?.trim() ?? "";
      fields.set(current, field[2]?.trim() ?? "");
    } else if (current !== undefined && /^\s+\S/.test(line)) {
      fields.set(current, `${fields.get(current) ?? ""} ${line.trim()}`.trim());
    } else if (started || line.trim() !== "") break;
  }
  return {
    file,
    fileNumber: FILE_NAME.exec(name)?.[1],
    number: title?.[1],
    title: title?.[2],
    fields,
    text,
  };
}

/** Every RFC of a tree, by number then file name. */
export function readRfcs(tree: Tree): RfcDocument[] {
  return rfcFiles(tree)
    .map((file) => parseRfc(file, tree.read(file) ?? ""))
    .sort((a, b) => (a.fileNumber ?? a.file).localeCompare(b.fileNumber ?? b.file) || a.file.localeCompare(b.file));
}

/** The first word of the Status field (`Accepted` of "Accepted (superseded by RFC 0014)"). */
export function statusOf(rfc: RfcDocument): string | undefined {
  return rfc.fields.get("Status")?.split(/[\s(,;]/)[0] || undefined;
}
