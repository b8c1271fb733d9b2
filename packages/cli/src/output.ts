/**
 * Everything the CLI prints goes through one {@link Output}: results on standard output
 * (JSON with `--json`, aligned tables otherwise), everything else — notes, progress, errors —
 * on standard error, so `openwop … --json | jq` always reads JSON and nothing else.
 */

/** The part of a stream the CLI writes to; `isTTY` decides colour and live re-rendering. */
export interface Sink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One column of a table: its heading and how a row shows in it. */
export interface Column<Row> {
  readonly heading: string;
  readonly value: (row: Row) => unknown;
  /** How the cell is coloured once padded, when colour is on. */
  readonly tint?: (text: string, row: Row) => string;
}

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape sequences we emit is the point.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The width a text takes on a terminal, not counting colour escapes. */
export const visibleLength = (text: string): number => text.replace(ANSI, "").length;

/**
 * Whether a stream may carry colour: only a terminal, and never when `NO_COLOR` is set to
 * anything at all (even empty).
 */
export function colourAllowed(sink: Sink, env: Readonly<Record<string, string | undefined>>): boolean {
  return sink.isTTY === true && env["NO_COLOR"] === undefined;
}

/** A value as one table cell: text as it is, nothing as `-`, anything else as compact JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null || value === "") return "-";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    return value.length === 0 ? "-" : value.join(",");
  }
  return JSON.stringify(value);
}

export class Output {
  readonly json: boolean;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly colour: boolean;
  readonly errColour: boolean;
  /** Whether a status line on standard output can be redrawn in place. */
  readonly liveStdout: boolean;
  /** Whether progress on standard error can be redrawn in place. */
  readonly liveStderr: boolean;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.colour = colourAllowed(options.stdout, options.env);
    this.errColour = colourAllowed(options.stderr, options.env);
    this.liveStdout = options.stdout.isTTY === true;
    this.liveStderr = options.stderr.isTTY === true;
  }

  /** `text` in `style` on standard output, when colour is on. */
  paint(style: Style, text: string): string {
    return this.colour ? wrap(style, text) : text;
  }

  /** `text` in `style` on standard error, when colour is on there. */
  paintErr(style: Style, text: string): string {
    return this.errColour ? wrap(style, text) : text;
  }

  /** A result line on standard output. */
  line(text = ""): void {
    this.stdout.write(`${text}\n`);
  }

  /** A note for the person at the terminal: always standard error, also with `--json`. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.note(`${this.paintErr("yellow", "warning:")} ${text}`);
  }

  /** `value` as pretty JSON on standard output (the whole of a `--json` answer). */
  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON value per line on standard output, for streams (`runs watch`, `events tail`). */
  printJsonLine(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** The result of a command: `value` itself with `--json`, otherwise what `human` prints. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.printJson(value);
    else human();
  }

  /** Rows as an aligned table: one heading line, columns padded to their widest cell. */
  table<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): void {
    const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
    const widths = columns.map((column, index) =>
      Math.max(visibleLength(column.heading), ...cells.map((row) => visibleLength(row[index] ?? ""))),
    );
    const pad = (text: string, index: number, last: boolean) =>
      last ? text : text + " ".repeat((widths[index] ?? 0) - visibleLength(text));
    const lastIndex = columns.length - 1;
    this.line(
      columns.map((column, index) => this.paint("bold", pad(column.heading, index, index === lastIndex))).join("  "),
    );
    rows.forEach((row, rowIndex) => {
      const line = columns.map((column, index) => {
        const padded = pad(cells[rowIndex]?.[index] ?? "", index, index === lastIndex);
        return this.colour && column.tint ? column.tint(padded, row) : padded;
      });
      this.line(line.join("  ").trimEnd());
    });
  }

  /** Name/value pairs, names aligned: the human view of one object. */
  fields(pairs: ReadonlyArray<readonly [string, unknown]>): void {
    const width = Math.max(0, ...pairs.map(([name]) => name.length));
    for (const [name, value] of pairs) {
      this.line(`${this.paint("dim", name.padEnd(width))}  ${cellText(value)}`);
    }
  }

  /** A run or delivery status, coloured by how it went. */
  status(status: string): string {
    return this.paint(statusStyle(status), status);
  }
}

function wrap(style: Style, text: string): string {
  const [open, close] = SGR[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Green for done, red for what went wrong, yellow for what waits on someone, cyan for in flight. */
export function statusStyle(status: string): Style {
  if (status === "completed" || status === "delivered" || status === "active" || status === "ok") return "green";
  if (["failed", "cancelled", "dead_lettered", "revoked", "expired"].includes(status)) return "red";
  if (status.startsWith("waiting") || ["paused", "cancelling", "grace", "pending"].includes(status)) return "yellow";
  return "cyan";
}
