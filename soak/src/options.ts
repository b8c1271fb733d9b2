import { parseArgs } from "node:util";

export const HOST_KINDS = ["sqlite", "postgres"] as const;
export type HostKind = (typeof HOST_KINDS)[number];

/** The cycle counts of the issue: 100 kills of the SQLite host, 50 of the Postgres pair. */
export const DEFAULT_CYCLES: Record<HostKind, number> = { sqlite: 100, postgres: 50 };

export interface SoakOptions {
  hosts: HostKind[];
  cycles: Record<HostKind, number>;
  /** Seeds every random choice (kill moments, victims, load mix), so a failing run can be replayed. */
  seed: number;
  json: boolean;
  write: boolean;
  quiet: boolean;
  help: boolean;
}

export const USAGE = `Usage: ./pnpmw soak [options]

Drives the SQLite host and two Postgres host processes under continuous mixed load, kills
them with SIGKILL once per cycle, restarts them on the same storage, and checks after every
cycle that nothing acknowledged was lost, ran twice or was created twice. Writes the figures
to docs/reliability.md.

  --cycles N            cycles on every host kind (default: ${DEFAULT_CYCLES.sqlite} on SQLite, ${DEFAULT_CYCLES.postgres} on Postgres)
  --sqlite-cycles N     cycles on the SQLite host (overrides --cycles)
  --postgres-cycles N   cycles on the Postgres hosts (overrides --cycles)
  --hosts LIST          comma-separated, default all: ${HOST_KINDS.join(",")}
  --seed N              seed of the random choices (default: time-based, printed)
  --json                print the report as JSON on stdout (progress stays on stderr)
  --no-write            do not rewrite docs/reliability.md
  --quiet               no progress on stderr
  -h, --help            this text

A quick pass: ./pnpmw soak --cycles 5 --no-write`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

function integer(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function hostList(raw: string | undefined): HostKind[] {
  if (raw === undefined) return [...HOST_KINDS];
  const items = raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  for (const item of items) {
    if (!(HOST_KINDS as readonly string[]).includes(item))
      throw new UsageError(`--hosts: unknown "${item}"; choose from ${HOST_KINDS.join(", ")}`);
  }
  if (items.length === 0) throw new UsageError(`--hosts needs at least one of ${HOST_KINDS.join(", ")}`);
  // The canonical order, so reports read the same whatever order was typed.
  return HOST_KINDS.filter((kind) => items.includes(kind));
}

export function parseOptions(argv: readonly string[], now = Date.now()): SoakOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const both = integer("cycles", v.cycles, 1);
  return {
    hosts: hostList(v.hosts),
    cycles: {
      sqlite: integer("sqlite-cycles", v["sqlite-cycles"], 1) ?? both ?? DEFAULT_CYCLES.sqlite,
      postgres: integer("postgres-cycles", v["postgres-cycles"], 1) ?? both ?? DEFAULT_CYCLES.postgres,
    },
    seed: integer("seed", v.seed, 0) ?? now % 2 ** 31,
    json: v.json === true,
    write: v["no-write"] !== true,
    quiet: v.quiet === true,
    help: v.help === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      cycles: { type: "string" },
      "sqlite-cycles": { type: "string" },
      "postgres-cycles": { type: "string" },
      hosts: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
