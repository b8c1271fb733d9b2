#!/usr/bin/env node
/**
 * `./pnpmw bench`: measures the durable example hosts over HTTP on loopback and writes
 * bench/results/latest.json and docs/benchmarks.md. Progress goes to stderr; stdout
 * carries a short verdict, or the whole report as JSON with --json.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchEnvironment, POSTGRES_SETTINGS } from "./environment.js";
import { NO_SHEDDING_ENV, WEBHOOK_ENV, type HostKind } from "./hosts.js";
import { describeMachine, loadAverageNow } from "./machine.js";
import { parseOptions, USAGE, UsageError, type BenchOptions } from "./options.js";
import { killAllChildren } from "./processes.js";
import { summarizeProfiles } from "./profile.js";
import { createProgress, type Progress } from "./progress.js";
import { renderMarkdown } from "./report.js";
import {
  checkTargets,
  finishHost,
  measured,
  mergeReports,
  notMeasured,
  type BenchReport,
  type HostResults,
  type Outcome,
} from "./results.js";
import {
  measureCeiling,
  measureDelivery,
  measureHeld,
  measurePeer,
  measureScaleOut,
  measureThroughput,
} from "./workloads.js";
import { measureWebhooks } from "./webhooks.js";
import { measureBurst } from "./burst.js";
import { measureRunsList } from "./runs-list.js";
import { measurePolling } from "./polling.js";

const HOST_TITLES: Record<HostKind, string> = { sqlite: "SQLite host", postgres: "Postgres host" };

/** The repository root: this file runs from bench/dist/. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function attempt<T>(progress: Progress, title: string, work: () => Promise<T>): Promise<Outcome<T>> {
  progress.section(title);
  try {
    return measured(await work());
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    progress.warn(`not measured: ${reason}`);
    if (error instanceof Error && error.message.includes("\n"))
      progress.step(error.message.split("\n").slice(1, 20).join("\n      "));
    return notMeasured(reason);
  }
}

async function measureHost(env: BenchEnvironment, kind: HostKind): Promise<HostResults> {
  const { workloads } = env.options;
  const title = HOST_TITLES[kind];
  const results: Omit<HostResults, "ratios" | "tiers" | "tier"> = {};
  if (workloads.includes("throughput"))
    results.throughput = await attempt(env.progress, `${title}: 1. throughput`, () =>
      measureThroughput(env, kind, "w1"),
    );
  if (workloads.includes("polling")) {
    results.polling = await attempt(env.progress, `${title}: 10. throughput, polling GET /v1/runs/{id}`, () =>
      measurePolling(env, kind),
    );
    // The polling/SSE ratio only compares runs/s measured in this same bench run.
    const sse = results.throughput?.status === "measured" ? results.throughput.result.runsPerSecond : null;
    if (results.polling.status === "measured") results.polling.result.sseRunsPerSecond = sse;
  }
  if (workloads.includes("ceiling"))
    results.ceiling = await attempt(env.progress, `${title}: 5. in-process ceiling`, () => measureCeiling(env, kind));
  if (kind === "postgres" && workloads.includes("peer"))
    results.peer = await attempt(env.progress, "6. peer: DBOS Transact", () => measurePeer(env));
  if (workloads.includes("delivery"))
    results.delivery = await attempt(env.progress, `${title}: 2. event delivery`, () => measureDelivery(env, kind));
  if (workloads.includes("held"))
    results.held = await attempt(env.progress, `${title}: 3. held load`, () => measureHeld(env, kind));
  if (kind === "postgres" && workloads.includes("scaleout"))
    results.scaleOut = await attempt(env.progress, "4. scale-out: one Postgres host process vs two", () =>
      measureScaleOut(env),
    );
  if (workloads.includes("webhooks"))
    results.webhooks = await attempt(env.progress, `${title}: 7. webhooks`, () => measureWebhooks(env, kind));
  if (workloads.includes("burst"))
    results.burst = await attempt(env.progress, `${title}: 8. memory after a burst`, () => measureBurst(env, kind));
  if (workloads.includes("runs-list"))
    results.runsList = await attempt(env.progress, `${title}: 9. GET /v1/runs with many runs stored`, () =>
      measureRunsList(env, kind),
    );
  return finishHost(kind, results);
}

function commandLine(argv: readonly string[]): string {
  return ["./pnpmw bench", ...argv].join(" ");
}

function verdictLines(report: BenchReport): string {
  const lines = report.targets.map((t) => {
    const mark = t.met === null ? "not measured" : t.met ? "met" : "MISSED";
    return `${mark.padEnd(12)} ${t.host.padEnd(8)} ${t.description}: ${t.measured ?? "–"} (target ${t.target})`;
  });
  for (const kind of ["sqlite", "postgres"] as const) {
    const host = report.hosts[kind];
    if (host) lines.push(`tier         ${kind.padEnd(8)} ${host.tier ?? "not measured"} (on every measured property)`);
  }
  const met = report.targets.filter((t) => t.met === true).length;
  const missed = report.targets.filter((t) => t.met === false).length;
  lines.push(`bench: ${met} targets met, ${missed} missed, ${report.targets.length - met - missed} not measured`);
  return `${lines.join("\n")}\n`;
}

const JSON_PATH = join(repoRoot, "bench", "results", "latest.json");
const MARKDOWN_PATH = join(repoRoot, "docs", "benchmarks.md");

async function writeMarkdown(report: BenchReport): Promise<void> {
  const analysis = await readFile(join(repoRoot, "bench", "analysis.md"), "utf8").catch(() => undefined);
  await writeFile(MARKDOWN_PATH, renderMarkdown(report, analysis));
}

async function run(options: BenchOptions, argv: readonly string[]): Promise<void> {
  const progress = createProgress(process.stderr, process.env, options.quiet);
  const started = Date.now();
  const loadAtStart = loadAverageNow();
  const profileDir = options.profile
    ? join(repoRoot, "bench", "results", "tmp", "profiles", new Date(started).toISOString().replace(/[:.]/g, "-"))
    : undefined;
  const env = await BenchEnvironment.create(options, progress, profileDir);
  try {
    const hosts: Partial<Record<HostKind, HostResults>> = {};
    for (const kind of options.hosts) hosts[kind] = await measureHost(env, kind);
    const postgresUrl =
      options.hosts.includes("postgres") || options.workloads.includes("peer")
        ? (await env.postgres().catch(() => undefined))?.url
        : undefined;
    const report: BenchReport = {
      schemaVersion: 1,
      generatedAt: new Date().toISOString(),
      command: commandLine(argv),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: await describeMachine(env.workDir, loadAtStart, postgresUrl),
      settings: {
        workloads: options.workloads,
        hosts: options.hosts,
        runs: options.runs,
        clients: options.clients,
        warmup: options.warmup,
        subscribers: options.subscribers,
        held: options.held,
        holdMs: options.holdMs,
        readers: options.readers,
        repeat: options.repeat,
        ...(options.workloads.includes("burst") ? { burstStreams: options.burstStreams } : {}),
        ...(options.workloads.includes("runs-list") ? { listRuns: options.listRuns } : {}),
        ...(options.workloads.includes("polling") ? { pollMs: options.pollMs } : {}),
        hostLogLevel: process.env["OPENWOP_LOG_LEVEL"] || "info",
        postgres: { ...POSTGRES_SETTINGS, durability: "fsync on, synchronous_commit on (defaults)" },
        sqlite: "WAL, synchronous=NORMAL (the adapter's settings)",
        hostEnvironment: NO_SHEDDING_ENV,
        ...(options.workloads.includes("webhooks") ? { webhookHostEnvironment: WEBHOOK_ENV } : {}),
      },
      hosts,
      targets: checkTargets(hosts),
    };
    if (profileDir) {
      report.profiles = await summarizeProfiles(profileDir);
      progress.step(`CPU profiles in ${profileDir}`);
    }
    if (options.write) {
      const written = options.merge
        ? mergeReports(JSON.parse(await readFile(JSON_PATH, "utf8")) as BenchReport, report)
        : report;
      await mkdir(dirname(JSON_PATH), { recursive: true });
      await writeFile(JSON_PATH, `${JSON.stringify(written, null, 2)}\n`);
      await writeMarkdown(written);
      progress.step(
        `${options.merge ? "merged into" : "wrote"} bench/results/latest.json and wrote docs/benchmarks.md`,
      );
    }
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : verdictLines(report));
  } finally {
    await env.close();
  }
}

const argv = process.argv.slice(2);
process.once("exit", killAllChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal} received, stopping\n`);
    process.exit(130);
  });
}

try {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
  } else if (options.renderOnly) {
    await writeMarkdown(JSON.parse(await readFile(JSON_PATH, "utf8")) as BenchReport);
    process.stderr.write("bench: re-rendered docs/benchmarks.md from bench/results/latest.json\n");
  } else {
    await run(options, argv);
  }
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
