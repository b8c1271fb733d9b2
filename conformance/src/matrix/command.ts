import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ConformanceResult } from "@openwop/types";
import type { Palette } from "../report/colour.js";
import { progressLine } from "../report/text-report.js";
import type { Scenario } from "../runner/scenario.js";
import {
  type ExternalRow,
  ExternalResultError,
  externalResultPath,
  mergeExternalRows,
  readExternalResult,
} from "./external-results.js";
import { discoverManifests } from "./manifests.js";
import { type MatrixHostEntry, type MatrixIndex, resultPath } from "./matrix-index.js";
import { derivedFiles, driftReport, readCommittedInputs, stableJson } from "./outputs.js";
import { loadRemoteHosts, RemoteHostsError, REMOTE_HOSTS_PATH, runRemoteHost } from "./remote-hosts.js";
import { runHostForMatrix } from "./run-host.js";
import { SUITE_VERSION } from "../suite-version.js";
import { knownSuiteVersions } from "./suite-versions.js";

export const MATRIX_USAGE = `Usage: pnpm matrix [--check] [--render-only] [--hosts a,b] [--timeout-scale n] [--external <result.json>]...

Starts every example host configuration, examples/hosts/*/openwop-host*.json (one row each), on
fresh storage, runs the conformance suite against each with --require-behavior, runs it too
against each host of conformance/hosts.json whose key variable is set (recording "not run: no
key" for the others), writes conformance/results/<host>.json, and regenerates INTEROP-MATRIX.md,
conformance/results/index.json, conformance/results/production-report.json and
conformance/coverage.md.

  --render-only       regenerate from the committed result files; start no host
  --check             write nothing; exit 1 with a summary when a committed file differs
                      (self-reported rows are recomputed too)
  --hosts a,b         run only these hosts; the others keep their committed results
  --timeout-scale n   multiply every scenario time bound by n
  --external <file>   add or update a self-reported row from a result document a host's own
                      team produced (repeatable): validated against the schema, its suite
                      version checked, every verdict recomputed from its outcomes; written to
                      conformance/results/external/<host>.json. Starts no host.
`;

export interface MatrixIo {
  /** The repository (or a repository-like directory, in tests) to read and write. */
  readonly root: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly palette: Palette;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: readonly Scenario[];
  /** Where relative `--external` paths start: the directory `pnpm matrix` was typed in. */
  readonly cwd: string;
}

/** `pnpm matrix`: exit 0 done, 1 drift under `--check`, 2 bad arguments or a refused input. */
export async function matrixCommand(argv: readonly string[], io: MatrixIo): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        check: { type: "boolean" },
        "render-only": { type: "boolean" },
        hosts: { type: "string" },
        "timeout-scale": { type: "string" },
        external: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr(`matrix: ${error instanceof Error ? error.message : String(error)}\n\n${MATRIX_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout(MATRIX_USAGE);
    return 0;
  }
  const timeoutScale = Number(values["timeout-scale"] ?? "1");
  if (!Number.isFinite(timeoutScale) || timeoutScale <= 0) {
    io.stderr("matrix: --timeout-scale must be a positive number\n");
    return 2;
  }
  const log = (line: string) => io.stderr(`${io.palette.dim("matrix:")} ${line}\n`);
  try {
    return await generate(values, { ...io, log, timeoutScale });
  } catch (error) {
    if (error instanceof ExternalResultError || error instanceof RemoteHostsError) {
      io.stderr(`matrix: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

interface GenerateContext extends MatrixIo {
  readonly log: (line: string) => void;
  readonly timeoutScale: number;
}

interface Flags {
  readonly check?: boolean;
  readonly "render-only"?: boolean;
  readonly hosts?: string;
  readonly external?: string[];
}

async function generate(values: Flags, context: GenerateContext): Promise<number> {
  const { root, palette, registry, log } = context;
  const knownVersions = await knownSuiteVersions(root);
  const submitted: ExternalRow[] = [];
  for (const path of values.external ?? []) {
    const row = await readExternalResult(resolve(context.cwd, path), knownVersions, registry);
    if (row.olderSuite)
      log(
        palette.yellow(
          `${path}: produced by suite ${row.result.suiteVersion}, older than the current ${SUITE_VERSION}; scenarios added since count as not run`,
        ),
      );
    const recomputed = row.verdicts.filter((verdict) => verdict.claimed).map((verdict) => verdict.profile);
    const reported = row.result.profiles.filter((verdict) => verdict.claimed).map((verdict) => verdict.profile);
    const ignored = reported.filter((profile) => !recomputed.includes(profile));
    log(
      `${path}: self-reported row ${row.slug}; recomputed claims: ${recomputed.join(", ") || "none"}${ignored.length > 0 ? palette.yellow(`; claimed in the document but not earned by its outcomes: ${ignored.join(", ")}`) : ""}`,
    );
    submitted.push(row);
  }

  // Adding self-reported rows re-renders from the committed CI results: it starts no host.
  const renderOnly = values["render-only"] === true || submitted.length > 0;
  let index: MatrixIndex;
  let results: Map<string, ConformanceResult>;
  let external: ExternalRow[];
  const freshResults = new Map<string, ConformanceResult>();
  if (renderOnly) {
    ({ index, results, external } = await readCommittedInputs(root, registry));
  } else {
    const committed = await readCommittedInputs(root, registry).catch((error: unknown) => {
      // A first run has no committed CI results; a committed self-reported row that no longer
      // validates is an error to report, never a reason to drop the row.
      if (error instanceof ExternalResultError) throw error;
      return { index: { indexVersion: 1, hosts: [] } as MatrixIndex, results: new Map(), external: [] };
    });
    external = committed.external;
    ({ index, results } = await runHosts(values.hosts, committed, freshResults, context));
  }
  external = mergeExternalRows(external, submitted);

  const files = derivedFiles(index, results, registry, external);
  for (const row of submitted) files.set(externalResultPath(row.slug), stableJson(row.result));
  if (values.check === true) {
    const problems = await driftReport(root, files);
    for (const problem of problems) context.stderr(`${palette.red("drift:")} ${problem}\n`);
    if (problems.length > 0) {
      context.stderr(
        `matrix: ${problems.length} generated file(s) differ from the committed ones; run \`pnpm matrix\` and commit the result\n`,
      );
      return 1;
    }
    log(`no drift in ${[...files.keys()].join(", ")}`);
    return 0;
  }
  for (const [name, result] of freshResults) files.set(resultPath(name), stableJson(result));
  for (const [path, content] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    const before = await readFile(join(root, path), "utf8").catch(() => undefined);
    if (before !== content) await writeFile(join(root, path), content);
    log(`${before === content ? "unchanged" : "wrote"} ${path}`);
  }
  const notRun = index.hosts.filter((entry) => entry.status === "not-run");
  for (const entry of notRun) log(palette.yellow(`${entry.name} was not run (${entry.reason}); the matrix says so`));
  return 0;
}

/** Runs the example hosts' manifests, then the remote hosts of conformance/hosts.json. */
async function runHosts(
  hostsFlag: string | undefined,
  committed: { index: MatrixIndex; results: Map<string, ConformanceResult> },
  freshResults: Map<string, ConformanceResult>,
  context: GenerateContext,
): Promise<{ index: MatrixIndex; results: Map<string, ConformanceResult> }> {
  const { root, palette, log } = context;
  const only = hostsFlag?.split(",").map((name) => name.trim());
  const entries: MatrixHostEntry[] = [];
  const results = new Map<string, ConformanceResult>();
  const keepCommitted = (name: string) => {
    const previous = committed.index.hosts.find((entry) => entry.name === name);
    if (only === undefined || only.includes(name) || previous === undefined) return false;
    entries.push(previous);
    const kept = committed.results.get(name);
    if (kept !== undefined) results.set(name, kept);
    return true;
  };
  const record = (name: string, run: { entry: MatrixHostEntry; result?: ConformanceResult }) => {
    entries.push(run.entry);
    if (run.result === undefined) return;
    results.set(name, run.result);
    freshResults.set(name, run.result);
    log(`${name}: ${run.result.summary.pass} pass, ${run.result.summary.fail} fail, ${run.result.summary.skip} skip`);
  };
  const onResult = (name: string) => (result: Parameters<typeof progressLine>[0]) =>
    context.stderr(`  ${palette.dim(name)} ${progressLine(result, palette)}\n`);

  const manifests = await discoverManifests(root);
  for (const loaded of manifests) {
    const name = loaded.manifest.name;
    if (keepCommitted(name)) continue;
    log(`${name}: starting from ${loaded.path}`);
    record(
      name,
      await runHostForMatrix(loaded, root, { timeoutScale: context.timeoutScale, log, onResult: onResult(name) }),
    );
  }
  for (const remote of await loadRemoteHosts(root)) {
    if (manifests.some((loaded) => loaded.manifest.name === remote.name))
      throw new RemoteHostsError(`${REMOTE_HOSTS_PATH}: ${remote.name} is already the name of an example host`);
    if (keepCommitted(remote.name)) continue;
    record(
      remote.name,
      await runRemoteHost(remote, {
        timeoutScale: context.timeoutScale,
        env: context.env,
        log,
        onResult: onResult(remote.name),
      }),
    );
  }
  return { index: { indexVersion: 1, hosts: entries }, results };
}
