import type { HostKind } from "./hosts.js";
import {
  WEBHOOK_OVERHEAD_FLOOR,
  type BenchReport,
  type HostResults,
  type Outcome,
  type TargetCheck,
} from "./results.js";
import type { ResourceUse } from "./resources.js";
import type { Summary } from "./stats.js";
import { TIER_RULES, TIERS } from "./tiers.js";
import type { WebhookLatencyResult, WebhooksResult } from "./webhooks.js";
import type { BurstResult } from "./burst.js";
import type { ListQueryId, ListSizeResult, RunsListResult } from "./runs-list.js";
import type { PollingResult } from "./polling.js";

/**
 * Renders docs/benchmarks.md from a bench report. Everything here is derived from the
 * report (plus an optional hand-written analysis section), so the page always matches
 * bench/results/latest.json.
 */

const HOST_TITLES: Record<HostKind, string> = { sqlite: "SQLite host", postgres: "Postgres host" };
const MIB = 1024 * 1024;

const num = (value: number | null | undefined, digits = 1): string =>
  value == null || !Number.isFinite(value)
    ? "–"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const ms = (value: number | null | undefined): string =>
  value == null || !Number.isFinite(value) ? "–" : `${num(value, 1)} ms`;
const mib = (bytes: number | null | undefined): string => (bytes == null ? "–" : `${num(bytes / MIB, 0)} MiB`);
const p50p99 = (summary: Summary | undefined): string =>
  summary && summary.count > 0 ? `${ms(summary.p50)} / ${ms(summary.p99)}` : "–";
const times = (value: number | null | undefined, digits = 2): string =>
  value == null ? "–" : `${num(value, digits)}×`;

/** `1,234.5 (1,200 · 1,234.5 · 1,300)` when there were repetitions. */
const rate = (value: number, repeats: number[] | undefined, bold = true): string => {
  const main = bold ? `**${num(value)}**` : num(value);
  return repeats && repeats.length > 1 ? `${main} (${repeats.map((r) => num(r)).join(" · ")})` : main;
};

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function verdict(check: TargetCheck): string {
  if (check.met === null) return "not measured";
  return check.met ? "**met**" : "**missed**";
}

/** One cell for a workload that may not have been measured: the reason, or the figure. */
function cell<T>(outcome: Outcome<T> | undefined, show: (value: T) => string): string {
  if (!outcome) return "–";
  if (outcome.status === "not-measured") return `not measured`;
  return show(outcome.result);
}

function reasons(report: BenchReport): string[] {
  const notes: string[] = [];
  for (const [kind, host] of Object.entries(report.hosts) as Array<[HostKind, HostResults]>) {
    for (const [workload, outcome] of Object.entries(host)) {
      const o = outcome as Outcome<unknown> | undefined;
      if (o && typeof o === "object" && "status" in o && o.status === "not-measured") {
        notes.push(`- ${HOST_TITLES[kind]}, ${workload}: not measured — ${o.reason}`);
      }
    }
  }
  return notes;
}

function cpuPerRun(
  resources: ResourceUse | undefined,
  runs: number | undefined,
  field: "measuredCpuSeconds" | "postgresCpuSeconds" | "benchCpuSeconds",
): string {
  const seconds = resources?.[field];
  if (seconds == null || !runs) return "–";
  return `${num((seconds * 1000) / runs, 2)} ms`;
}

function machineSection(report: BenchReport): string {
  const m = report.machine;
  return [
    "## Machine",
    "",
    table(
      ["", ""],
      [
        ["CPU", `${m.cpuModel}, ${m.cores} cores`],
        ["Memory", `${num(m.memoryGiB, 1)} GiB`],
        ["OS", m.os],
        ["Node", m.node],
        ["Postgres", m.postgres ?? "not used"],
        ["Scratch filesystem (SQLite files, Postgres cluster)", m.scratchFilesystem ?? "unknown"],
        [
          "Load average (1/5/15 min) at start → end",
          `${m.loadAverage.start.join(" / ")} → ${m.loadAverage.end.join(" / ")}`,
        ],
      ],
    ),
    "",
    `Everything ran on this one machine at once: the bench's HTTP clients, the host process(es) and Postgres share its ${m.cores} cores, which is why the CPU split is reported with each workload.`,
  ].join("\n");
}

const variables = (environment: Record<string, string>): string =>
  Object.entries(environment)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

function settingsSection(report: BenchReport): string {
  const s = report.settings;
  return [
    "## Settings",
    "",
    table(
      ["", ""],
      [
        ["Workloads", s.workloads.join(", ")],
        ["Hosts", s.hosts.join(", ")],
        [
          "Runs per throughput measurement",
          `${num(s.runs, 0)} (after ${num(s.warmup, 0)} unmeasured warm-up runs), repeated ${num(s.repeat, 0)}× on fresh storage; the median repetition is reported`,
        ],
        ["Concurrent clients", num(s.clients, 0)],
        ["SSE subscribers", num(s.subscribers, 0)],
        [
          "Held runs / hold",
          `${num(s.held, 0)} runs sleeping ${num(s.holdMs / 1000, 0)} s; ${num(s.readers, 0)} status readers`,
        ],
        [
          "Postgres",
          `shared_buffers ${s.postgres.sharedBuffers}, max_connections ${s.postgres.maxConnections}, ${s.postgres.durability}; a CHECKPOINT before every measurement`,
        ],
        ...(s.listRuns === undefined
          ? []
          : [
              [
                "Runs in storage for the listing workload",
                `${num(Math.min(1000, s.listRuns), 0)} and ${num(s.listRuns, 0)}`,
              ],
            ]),
        ...(s.pollMs === undefined
          ? []
          : [["Polling interval (workload 10)", `${num(s.pollMs, 0)} ms between a status answer and the next read`]]),
        ["SQLite", s.sqlite],
        ["Host environment", variables(s.hostEnvironment)],
        ...(s.webhookHostEnvironment ? [["Added for the webhook workload", variables(s.webhookHostEnvironment)]] : []),
        [
          "Host log level",
          `\`${s.hostLogLevel}\` (\`OPENWOP_LOG_LEVEL\`; at \`info\`, the default, every request is logged as a JSON line on standard output)`,
        ],
      ],
    ),
  ].join("\n");
}

function targetsSection(report: BenchReport): string {
  return [
    "## Targets",
    "",
    table(
      ["Host", "What", "Target", "Measured", "Verdict"],
      report.targets.map((t) => [
        t.host === "both" ? "both" : HOST_TITLES[t.host],
        t.description,
        t.target,
        t.measured ?? "–",
        verdict(t),
      ]),
    ),
  ].join("\n");
}

function tiersSection(report: BenchReport, kinds: HostKind[]): string {
  const header = ["Property", ...TIERS.map((tier) => `\`${tier}\``), ...kinds.map((k) => HOST_TITLES[k])];
  const properties = Object.keys(TIER_RULES) as Array<keyof typeof TIER_RULES>;
  const rows = properties.map((property) => {
    const rule = TIER_RULES[property];
    const bound = (tier: (typeof TIERS)[number]): string =>
      `${rule.kind === "max" ? "≤" : "≥"} ${num(rule.bounds[tier], 0)} ${rule.unit}`;
    return [
      rule.label,
      ...TIERS.map(bound),
      ...kinds.map((kind) => {
        const v = report.hosts[kind]?.tiers.find((t) => t.property === property);
        if (!v || v.tier === null) return "not measured";
        return `${num(v.value, 1)} ${v.unit} → \`${v.tier}\``;
      }),
    ];
  });
  rows.push([
    "**Tier met on every measured property**",
    "",
    "",
    "",
    ...kinds.map((kind) => `**\`${report.hosts[kind]?.tier ?? "not measured"}\`**`),
  ]);
  return [
    "## Scale tiers (contract §9)",
    "",
    "Each property is classified on its own against the floors of the scale-profile table; POST latencies come from workload 1, delivery from workload 2, runs in flight from workload 3 (one tenant, so the per-tenant and global counts are the same and the stricter global floor applies).",
    "",
    table(header, rows),
    "",
    "A tier also asks for idempotency retention, backpressure, fan-out and replay; those are protocol behaviours the conformance suite checks, not load figures, so they are not part of this table.",
  ].join("\n");
}

function throughputSection(report: BenchReport, kinds: HostKind[]): string {
  const get = (kind: HostKind) => report.hosts[kind]?.throughput;
  const row = (label: string, show: (kind: HostKind) => string): string[] => [label, ...kinds.map(show)];
  return [
    "## 1. Throughput",
    "",
    `${num(report.settings.runs, 0)} runs of a three-node chain (\`core.noop\` a → b → c) by ${num(report.settings.clients, 0)} concurrent clients; each client creates a run with \`POST /v1/runs\`, follows it over SSE until the host closes the stream after the terminal event, then creates the next.`,
    "",
    table(
      ["", ...kinds.map((k) => HOST_TITLES[k])],
      [
        row("runs/s (each repetition)", (k) => cell(get(k), (r) => rate(r.runsPerSecond, r.repeats))),
        row("POST /v1/runs p50 / p99", (k) => cell(get(k), (r) => p50p99(r.createMs))),
        row("create → terminal event p50 / p99", (k) => cell(get(k), (r) => p50p99(r.createToTerminalMs))),
        row("runs not completed / errors", (k) => cell(get(k), (r) => `${r.notCompleted} / ${r.errors}`)),
        row("host CPU per run", (k) => cell(get(k), (r) => cpuPerRun(r.resources, r.runs, "measuredCpuSeconds"))),
        row("Postgres CPU per run", (k) => cell(get(k), (r) => cpuPerRun(r.resources, r.runs, "postgresCpuSeconds"))),
        row("bench client CPU per run", (k) => cell(get(k), (r) => cpuPerRun(r.resources, r.runs, "benchCpuSeconds"))),
        row("measured wall time", (k) => cell(get(k), (r) => `${num(r.seconds, 1)} s`)),
      ],
    ),
  ].join("\n");
}

function pollingSection(report: BenchReport, kinds: HostKind[]): string | null {
  const measuredKinds = kinds.filter((k) => report.hosts[k]?.polling !== undefined);
  if (measuredKinds.length === 0) return null;
  const get = (kind: HostKind) => report.hosts[kind]?.polling;
  const row = (label: string, show: (r: PollingResult) => string): string[] => [
    label,
    ...measuredKinds.map((k) => cell(get(k), show)),
  ];
  const sample = measuredKinds.map(get).find((o) => o?.status === "measured");
  const first = sample?.status === "measured" ? sample.result : undefined;
  const from = report.merged?.find((run) => run.workloads.includes("polling"));
  const parts = [
    "## 10. Throughput, polling instead of SSE",
    "",
    `The runs of workload 1 (${first ? num(first.runs, 0) : "the same number of"} three-node chains by ${first ? num(first.clients, 0) : "the same"} concurrent clients, after ${first ? num(first.warmupRuns, 0) : "the same"} unmeasured warm-up runs, the median of the repetitions), but each client follows its run by reading \`GET /v1/runs/{id}\` on its keep-alive connections, waiting ${first ? num(first.pollMs, 0) : "a few"} ms after every answer that is not terminal, and creates the next run once the status is terminal. Create → terminal is from sending the POST to the status read that saw the terminal status, so it includes up to one polling interval.`,
  ];
  if (from)
    parts.push("", `Measured by \`${from.command}\` at ${from.generatedAt}, merged into this report (\`--merge\`).`);
  parts.push(
    "",
    table(
      ["", ...measuredKinds.map((k) => HOST_TITLES[k])],
      [
        row("runs/s (each repetition)", (r) => rate(r.runsPerSecond, r.repeats)),
        row("POST /v1/runs p50 / p99", (r) => p50p99(r.createMs)),
        row("create → terminal status p50 / p99", (r) => p50p99(r.createToTerminalMs)),
        row("GET /v1/runs/{id} p50 / p99", (r) => p50p99(r.statusReadMs)),
        row("status reads per run", (r) => num(r.readsPerRun, 1)),
        row("runs not completed / errors", (r) => `${r.notCompleted} / ${r.errors}`),
        row("host CPU per run", (r) => cpuPerRun(r.resources, r.runs, "measuredCpuSeconds")),
        row("Postgres CPU per run", (r) => cpuPerRun(r.resources, r.runs, "postgresCpuSeconds")),
        row("bench client CPU per run", (r) => cpuPerRun(r.resources, r.runs, "benchCpuSeconds")),
        row("measured wall time", (r) => `${num(r.seconds, 1)} s`),
        row("SSE runs/s in the same bench run (workload 1)", (r) =>
          r.sseRunsPerSecond === null ? "not measured in this run" : num(r.sseRunsPerSecond),
        ),
      ],
    ),
  );
  for (const kind of measuredKinds) {
    const outcome = get(kind);
    if (outcome?.status === "measured" && outcome.result.firstError)
      parts.push("", `${HOST_TITLES[kind]}, first error: ${outcome.result.firstError}`);
  }
  return parts.join("\n");
}

function deliverySection(report: BenchReport, kinds: HostKind[]): string {
  const get = (kind: HostKind) => report.hosts[kind]?.delivery;
  const row = (label: string, show: (kind: HostKind) => string): string[] => [label, ...kinds.map(show)];
  return [
    "## 2. Event delivery",
    "",
    `${num(report.settings.subscribers, 0)} SSE subscribers (\`streamMode=debug\`), one per run, ${num(report.settings.subscribers, 0)} runs at once. Each run sleeps 3–5 s first (staggered), so its subscriber is connected before the events that follow are appended; the delay of an event is the client's receipt time minus the event's \`timestamp\` (same clock). Events already in the log when the stream opened are counted apart and not as delivery.`,
    "",
    table(
      ["", ...kinds.map((k) => HOST_TITLES[k])],
      [
        row("delivery delay p50 / p99", (k) => cell(get(k), (r) => p50p99(r.delayMs))),
        row("delivery delay max", (k) => cell(get(k), (r) => ms(r.delayMs.max))),
        row("live events measured", (k) => cell(get(k), (r) => num(r.liveEvents, 0))),
        row("backlog events (not counted)", (k) => cell(get(k), (r) => num(r.backlogEvents, 0))),
        row("runs completed / errors", (k) => cell(get(k), (r) => `${r.completedRuns} / ${r.errors}`)),
      ],
    ),
  ].join("\n");
}

function heldSection(report: BenchReport, kinds: HostKind[]): string {
  const get = (kind: HostKind) => report.hosts[kind]?.held;
  const row = (label: string, show: (kind: HostKind) => string): string[] => [label, ...kinds.map(show)];
  const perRun = (before: number | null, during: number | null, runs: number): string =>
    before == null || during == null || runs === 0 ? "–" : `${num((during - before) / runs / 1024, 1)} KiB`;
  return [
    "## 3. Held load",
    "",
    `${num(report.settings.held, 0)} runs of a delay workflow (sleep ${num(report.settings.holdMs / 1000, 0)} s, then a no-op), created by ${num(report.settings.clients, 0)} clients, so all of them are in flight at once. While none is due yet, ${num(report.settings.readers, 0)} clients read \`GET /v1/runs/{id}\` over every run in random order, and the host's resident memory is read from \`/proc/<pid>/status\`. Then the bench waits for every run to finish.`,
    "",
    table(
      ["", ...kinds.map((k) => HOST_TITLES[k])],
      [
        row("runs created / creation time", (k) =>
          cell(get(k), (r) => `${num(r.runs, 0)} in ${num(r.creationSeconds, 1)} s`),
        ),
        row("POST /v1/runs p50 / p99 while filling", (k) => cell(get(k), (r) => p50p99(r.postMs))),
        row("runs in flight at once (seen `running`)", (k) =>
          cell(get(k), (r) => `**${num(r.inFlight, 0)}** (${num(r.running, 0)})`),
        ),
        row("GET /v1/runs/{id} p50 / p99", (k) => cell(get(k), (r) => p50p99(r.statusReadMs))),
        row("status reads in the window", (k) =>
          cell(get(k), (r) => `${num(r.statusReadMs.count, 0)} in ${num(r.windowSeconds, 1)} s`),
        ),
        row("host RSS: idle → in flight (peak)", (k) =>
          cell(get(k), (r) => `${mib(r.rssBeforeBytes)} → **${mib(r.rssInFlightBytes)}** (${mib(r.peakRssBytes)})`),
        ),
        row("RSS per run in flight", (k) =>
          cell(get(k), (r) => perRun(r.rssBeforeBytes, r.rssInFlightBytes, r.inFlight)),
        ),
        row("completed afterwards / not", (k) =>
          cell(get(k), (r) => `${num(r.completed, 0)} / ${num(r.notCompleted, 0)}`),
        ),
        row("all finished, after the last was due", (k) =>
          cell(get(k), (r) => (r.drainSeconds === null ? "gave up waiting" : `${num(r.drainSeconds, 1)} s`)),
        ),
        row("errors", (k) => cell(get(k), (r) => num(r.errors, 0))),
      ],
    ),
  ].join("\n");
}

function scaleOutSection(report: BenchReport): string | null {
  const outcome = report.hosts.postgres?.scaleOut;
  if (!outcome) return null;
  const intro =
    "The throughput workload against one Postgres host process, then against two processes on one database (each on a fresh database), with the clients spread round-robin over the processes. A run created through one process may be executed by either.";
  if (outcome.status === "not-measured")
    return ["## 4. Scale-out (Postgres)", "", intro, "", `Not measured: ${outcome.reason}`].join("\n");
  const { oneHost, twoHosts, speedup } = outcome.result;
  const row = (label: string, show: (r: typeof oneHost) => string): string[] => [label, show(oneHost), show(twoHosts)];
  return [
    "## 4. Scale-out (Postgres)",
    "",
    intro,
    "",
    table(
      ["", "one process", "two processes"],
      [
        row("runs/s (each repetition)", (r) => rate(r.runsPerSecond, r.repeats)),
        row("POST /v1/runs p50 / p99", (r) => p50p99(r.createMs)),
        row("create → terminal p50 / p99", (r) => p50p99(r.createToTerminalMs)),
        row("host CPU per run (all processes)", (r) => cpuPerRun(r.resources, r.runs, "measuredCpuSeconds")),
        row("Postgres CPU per run", (r) => cpuPerRun(r.resources, r.runs, "postgresCpuSeconds")),
        row("runs not completed / errors", (r) => `${r.notCompleted} / ${r.errors}`),
      ],
    ),
    "",
    `Two processes over one: **${times(speedup)}**.`,
  ].join("\n");
}

function ceilingSection(report: BenchReport, kinds: HostKind[]): string {
  const row = (label: string, show: (kind: HostKind) => string): string[] => [label, ...kinds.map(show)];
  return [
    "## 5. Ceiling: engine and adapter without HTTP",
    "",
    "The same runs, clients and warm-up, driven in one process straight through `Engine.createRun` and the storage adapter; each client waits for the terminal event through the engine's store subscription (the same reads the SSE route makes). Its runs/s is what the engine and storage allow on this machine; host over ceiling is the share the HTTP layer leaves.",
    "",
    table(
      ["", ...kinds.map((k) => `engine on ${k === "sqlite" ? "SQLite" : "Postgres"}`)],
      [
        row("in-process runs/s (each repetition)", (k) =>
          cell(report.hosts[k]?.ceiling, (r) => rate(r.runsPerSecond, r.repeats)),
        ),
        row("createRun p50 / p99", (k) => cell(report.hosts[k]?.ceiling, (r) => p50p99(r.createMs))),
        row("create → terminal p50 / p99", (k) => cell(report.hosts[k]?.ceiling, (r) => p50p99(r.createToTerminalMs))),
        row("process CPU per run", (k) =>
          cell(report.hosts[k]?.ceiling, (r) => cpuPerRun(r.resources, r.runs, "measuredCpuSeconds")),
        ),
        row("host runs/s (workload 1)", (k) => cell(report.hosts[k]?.throughput, (r) => num(r.runsPerSecond))),
        row("**host / ceiling**", (k) => `**${times(report.hosts[k]?.ratios.hostOverCeiling)}**`),
      ],
    ),
  ].join("\n");
}

function peerSection(report: BenchReport): string | null {
  const host = report.hosts.postgres;
  if (!host?.peer) return null;
  const intro =
    "[DBOS Transact](https://docs.dbos.dev/) (`@dbos-inc/dbos-sdk`) running the equivalent workflow — three checkpointed no-op steps — on its own database of the same Postgres server, with the same runs, clients and warm-up, each client calling the workflow and awaiting its result. DBOS is a library with no HTTP layer, so the fair pairs are our host against DBOS (what a user of each gets) and our in-process ceiling against DBOS (engine against engine). Both use a pool of 10 connections (the defaults of each).";
  if (host.peer.status === "not-measured")
    return ["## 6. Peer: DBOS Transact", "", intro, "", `Not measured: ${host.peer.reason}`].join("\n");
  const peer = host.peer.result;
  return [
    "## 6. Peer: DBOS Transact",
    "",
    intro,
    "",
    table(
      ["", "DBOS Transact", "our Postgres ceiling", "our Postgres host"],
      [
        [
          "runs/s (each repetition)",
          rate(peer.runsPerSecond, peer.repeats),
          cell(host.ceiling, (r) => rate(r.runsPerSecond, r.repeats, false)),
          cell(host.throughput, (r) => rate(r.runsPerSecond, r.repeats, false)),
        ],
        [
          "start → result p50 / p99",
          p50p99(peer.createToTerminalMs),
          cell(host.ceiling, (r) => p50p99(r.createToTerminalMs)),
          cell(host.throughput, (r) => p50p99(r.createToTerminalMs)),
        ],
        [
          "process CPU per run",
          cpuPerRun(peer.resources, peer.runs, "measuredCpuSeconds"),
          cell(host.ceiling, (r) => cpuPerRun(r.resources, r.runs, "measuredCpuSeconds")),
          cell(host.throughput, (r) => cpuPerRun(r.resources, r.runs, "measuredCpuSeconds")),
        ],
        [
          "Postgres CPU per run",
          cpuPerRun(peer.resources, peer.runs, "postgresCpuSeconds"),
          cell(host.ceiling, (r) => cpuPerRun(r.resources, r.runs, "postgresCpuSeconds")),
          cell(host.throughput, (r) => cpuPerRun(r.resources, r.runs, "postgresCpuSeconds")),
        ],
        [
          "runs not completed / errors",
          `${peer.notCompleted} / ${peer.errors}`,
          cell(host.ceiling, (r) => `${r.notCompleted} / ${r.errors}`),
          cell(host.throughput, (r) => `${r.notCompleted} / ${r.errors}`),
        ],
      ],
    ),
    "",
    `Our Postgres host over DBOS: **${times(host.ratios.hostOverPeer)}**; our in-process ceiling over DBOS: **${times(host.ratios.ceilingOverPeer)}**.`,
  ].join("\n");
}

/** A figure without a webhook subscription, then with one. */
const beforeAfter = (before: string, after: string): string => `${before} → ${after}`;

/** CPU seconds over wall seconds while the deliveries drained: `1.9 s in 2.0 s / –`. */
function busy(resources: ResourceUse | null): string {
  if (!resources) return "–";
  const of = (seconds: number | null): string =>
    seconds == null ? "–" : `${num(seconds, 1)} s in ${num(resources.wallSeconds, 1)} s`;
  return `${of(resources.measuredCpuSeconds)} / ${of(resources.postgresCpuSeconds)}`;
}

function burstSection(report: BenchReport, kinds: HostKind[]): string | null {
  const measuredKinds = kinds.filter((k) => report.hosts[k]?.burst !== undefined);
  if (measuredKinds.length === 0) return null;
  const get = (kind: HostKind) => report.hosts[kind]?.burst;
  const row = (label: string, show: (result: BurstResult) => string): string[] => [
    label,
    ...measuredKinds.map((k) => cell(get(k), show)),
  ];
  const sample = measuredKinds.map((k) => get(k)).find((o) => o?.status === "measured");
  const first = sample?.status === "measured" ? sample.result : undefined;
  return [
    "## 8. Memory after a burst",
    "",
    `After ${first ? num(first.warmupRuns, 0) : "some"} chain runs to warm the host, ${num(report.settings.burstStreams ?? 0, 0)} SSE streams are opened at once, each on its own socket, on ${first ? num(first.heldRuns, 0) : "a few"} runs that stay in flight; once all are answered, half are reset at once and the other half closed by the client. The host's resident memory (\`VmRSS\`) is read before the burst, with the streams open, and every second for a minute after they closed. The target: back within 20% of the level before the burst a minute after it.`,
    "",
    table(
      ["", ...measuredKinds.map((k) => HOST_TITLES[k])],
      [
        row(
          "streams opened / reset / ended",
          (r) => `${num(r.opened, 0)} / ${num(r.reset, 0)} / ${num(r.opened - r.reset, 0)}`,
        ),
        row(
          "host RSS: before → streams open → a minute after",
          (r) => `${mib(r.rssBeforeBytes)} → ${mib(r.rssPeakBytes)} → **${mib(r.rssAfterBytes)}**`,
        ),
        row("after / before", (r) => (r.afterOverBefore === null ? "–" : `**${num(r.afterOverBefore, 2)}**`)),
        row("back within 20% after", (r) =>
          r.settledAfterSeconds === null ? "not within the minute" : `${num(r.settledAfterSeconds, 1)} s`,
        ),
      ],
    ),
  ].join("\n");
}

const LIST_QUERY_LABELS: Record<ListQueryId, string> = {
  "first-page": "(a) first page, unfiltered",
  status: "(b) status filter",
  workflowId: "(c) workflowId filter",
  tag: "(d) tag filter",
  "created-window": "(e) createdAfter / createdBefore window",
  deep: "(f) deep paging (pages after the first)",
};

function runsListTable(result: RunsListResult): string {
  const query = (size: ListSizeResult, id: ListQueryId) => size.queries.find((q) => q.id === id);
  const ids = Object.keys(LIST_QUERY_LABELS) as ListQueryId[];
  return table(
    [
      "Query",
      `${num(result.small.runs, 0)} runs: p50 / p99`,
      "pages/s",
      `${num(result.large.runs, 0)} runs: p50 / p99`,
      "pages/s",
      "**p50 ratio**",
      "p99 ratio",
    ],
    ids.map((id) => {
      const small = query(result.small, id);
      const large = query(result.large, id);
      const r = result.ratios.find((x) => x.id === id);
      return [
        LIST_QUERY_LABELS[id],
        p50p99(small?.latencyMs),
        num(small?.pagesPerSecond, 0),
        p50p99(large?.latencyMs),
        num(large?.pagesPerSecond, 0),
        `**${times(r?.p50)}**`,
        times(r?.p99),
      ];
    }),
  );
}

function runsListFacts(result: RunsListResult): string {
  const size = (s: ListSizeResult): string => {
    const deep = s.queries.find((q) => q.id === "deep")?.walk;
    const wrong = s.queries.reduce((total, q) => total + q.mismatches, 0);
    const walk = deep
      ? `a deep walk ${deep.reachedEnd ? "reached the last page" : "stopped"} after ${num(deep.pagesPerWalk, 0)} pages and ${num(deep.runsPerWalk, 0)} runs (${num(deep.walks, 0)} walks, deepest page p50 ${ms(deep.deepestPageMs.p50)})`
      : "no deep walk";
    return `${num(s.runs, 0)} runs (${num(s.tenantRuns, 0)} of the listed tenant) seeded in ${num(s.seedSeconds, 1)} s (${num(s.seedRunsPerSecond, 0)} runs/s); ${walk}; host RSS ${mib(s.hostRssBytes)}; ${num(wrong, 0)} wrong pages, ${num(s.errors, 0)} errors`;
  };
  return `${size(result.small)}. ${size(result.large)}.`;
}

function runsListSection(report: BenchReport, kinds: HostKind[]): string | null {
  const measuredKinds = kinds.filter((k) => report.hosts[k]?.runsList !== undefined);
  if (measuredKinds.length === 0) return null;
  const sample = measuredKinds.map((k) => report.hosts[k]?.runsList).find((o) => o?.status === "measured");
  const first = sample?.status === "measured" ? sample.result : undefined;
  const from = report.merged?.find((run) => run.workloads.includes("runs-list"));
  const parts = [
    "## 9. Listing runs with many in storage",
    "",
    `\`GET /v1/runs\` with ${first ? `${num(first.small.runs, 0)} and with ${num(first.large.runs, 0)}` : "few and with many"} runs in storage, each size on a fresh store. The runs are written straight through the storage adapter's own \`createRun\` (the rows and the tag rows of migration 0005 exactly as a host writes them) into the file or database a host process then opens: all finished, over five workflows, three statuses, a few tags each, two tenants (a quarter of the runs belong to the other one), created over three days in whole seconds so some share a \`createdAt\`. On Postgres an \`ANALYZE\` follows, as autovacuum would within a minute. Then ${first ? num(first.clients, 0) : "a few"} keep-alive clients ask each query ${first ? num(first.samples, 0) : "many"} times at \`limit=${first ? first.pageLimit : 100}\` (after ${first ? num(first.warmup, 0) : "some"} unmeasured), and the deep walk follows \`nextCursor\` from the first page up to ${first ? num(first.deepPages, 0) : "many"} pages in. Every page is checked: the runs match the filter, newest first, as many as the seeded store holds, no run twice in a walk.`,
    "",
    "The claim is the ratio: a page's p50 with many runs stored over its p50 with few, in the same bench run, stays near 1 because every query is one index range read that stops at the limit. Absolute figures move with the machine; the ratio does not need an idle one.",
  ];
  if (from)
    parts.push("", `Measured by \`${from.command}\` at ${from.generatedAt}, merged into this report (\`--merge\`).`);
  for (const kind of measuredKinds) {
    const outcome = report.hosts[kind]?.runsList;
    parts.push("", `### ${HOST_TITLES[kind]}`, "");
    if (!outcome || outcome.status === "not-measured") {
      parts.push(`Not measured${outcome ? `: ${outcome.reason}` : ""}`);
      continue;
    }
    parts.push(runsListTable(outcome.result), "", runsListFacts(outcome.result));
  }
  return parts.join("\n");
}

function webhooksSection(report: BenchReport, kinds: HostKind[]): string | null {
  const measuredKinds = kinds.filter((k) => report.hosts[k]?.webhooks !== undefined);
  if (measuredKinds.length === 0) return null;
  const get = (kind: HostKind) => report.hosts[kind]?.webhooks;
  const row = (label: string, show: (result: WebhooksResult, kind: HostKind) => string): string[] => [
    label,
    ...measuredKinds.map((k) => cell(get(k), (r) => show(r, k))),
  ];
  const sample = measuredKinds.map((k) => get(k)).find((o) => o?.status === "measured");
  const first = sample?.status === "measured" ? sample.result : undefined;
  const eventTypes = first ? first.eventTypes.map((t) => `\`${t}\``).join(", ") : "every event type of the chain";
  const perRun = first
    ? ` (${first.eventsPerRun} events, so ${first.eventsPerRun} deliveries per run and subscription)`
    : "";
  const pace = first?.latency[0];
  const latencyOf = (result: WebhooksResult, subscriptions: number): WebhookLatencyResult | undefined =>
    result.latency.find((l) => l.subscriptions === subscriptions);
  const latencyRows = (first?.latency ?? []).flatMap(({ subscriptions }) => {
    const plural = subscriptions === 1 ? "1 subscription" : `${subscriptions} subscriptions`;
    return [
      row(`event → delivery p50 / p99, ${plural}`, (r) => {
        const l = latencyOf(r, subscriptions);
        return l ? `**${ms(l.latencyMs.p50)} / ${ms(l.latencyMs.p99)}**` : "–";
      }),
      row(`event → delivery max, ${plural}`, (r) => ms(latencyOf(r, subscriptions)?.latencyMs.max)),
      row(
        `deliveries/s, ${plural} (offered ${num((pace?.runsPerSecond ?? 0) * (first?.eventsPerRun ?? 0) * subscriptions, 0)})`,
        (r) => num(latencyOf(r, subscriptions)?.deliveriesPerSecond),
      ),
      row(`deliveries received / expected, ${plural}`, (r) => {
        const l = latencyOf(r, subscriptions);
        return l ? `${num(l.deliveries, 0)} / ${num(l.expectedDeliveries, 0)}` : "–";
      }),
    ];
  });
  const target = (kind: HostKind): TargetCheck | undefined =>
    report.targets.find((t) => t.id === `${kind}-webhook-overhead`);
  return [
    "## 7. Webhooks",
    "",
    `Workload 1's closed loop (${num(report.settings.runs, 0)} runs after ${num(report.settings.warmup, 0)} warm-up runs, ${num(report.settings.clients, 0)} clients, each repetition on fresh storage) on a host with no webhook subscription, then on a host with one subscription to ${eventTypes}${perRun}, registered before the warm-up with \`POST /v1/webhooks\`. The receiver is a \`node:http\` server in the bench process on loopback answering 204 at once; it counts each \`X-openwop-Delivery-Id\` once. After the loop the bench waits until every delivery of the completed runs, warm-up included, has arrived (giving up after ${first ? `${num(first.patienceSeconds, 0)} s` : "a while"} without one). Deliveries/s counts every delivery that arrived during the measured phase (late ones of warm-up runs included: it is the dispatcher's pace while the runs ran), over its wall time; the drain is from the end of the measured phase to the last delivery's arrival.`,
    "",
    `Latency is the receipt time minus the event's \`timestamp\` (one clock), at a paced load well below saturation: ${pace ? `${num(pace.runs, 0)} counted runs created at ${num(pace.runsPerSecond, 1)} per second, after ${num(pace.warmupRuns, 0)} uncounted ones` : "runs created at a fixed pace, after uncounted ones"} whose deliveries are awaited first, on a fresh host with one subscription, and on one with ten subscriptions of the same receiver (told apart by \`X-openwop-Webhook-Id\`).`,
    "",
    table(
      ["", ...measuredKinds.map((k) => HOST_TITLES[k])],
      [
        row("durable delivery advertised", (r) => (r.subscribed.durable ? "yes" : "no")),
        row("runs/s, no subscription (each repetition)", (r) =>
          rate(r.unsubscribed.runsPerSecond, r.unsubscribed.repeats),
        ),
        row("runs/s, one subscription (each repetition)", (r) =>
          rate(r.subscribed.runsPerSecond, r.subscribed.repeats),
        ),
        row(`**one subscription / none** (target ≥ ${WEBHOOK_OVERHEAD_FLOOR})`, (r, k) => {
          const check = target(k);
          return `**${num(r.subscribedOverUnsubscribed, 3)}** ${check ? verdict(check) : ""}`.trim();
        }),
        row("POST /v1/runs p99, none → one", (r) =>
          beforeAfter(ms(r.unsubscribed.createMs.p99), ms(r.subscribed.createMs.p99)),
        ),
        row("create → terminal p99, none → one", (r) =>
          beforeAfter(ms(r.unsubscribed.createToTerminalMs.p99), ms(r.subscribed.createToTerminalMs.p99)),
        ),
        row("host CPU per run, none → one", (r) =>
          beforeAfter(
            cpuPerRun(r.unsubscribed.resources, r.unsubscribed.runs, "measuredCpuSeconds"),
            cpuPerRun(r.subscribed.resources, r.subscribed.runs, "measuredCpuSeconds"),
          ),
        ),
        row("Postgres CPU per run, none → one", (r) =>
          beforeAfter(
            cpuPerRun(r.unsubscribed.resources, r.unsubscribed.runs, "postgresCpuSeconds"),
            cpuPerRun(r.subscribed.resources, r.subscribed.runs, "postgresCpuSeconds"),
          ),
        ),
        row("deliveries/s during the measured phase", (r) => `**${num(r.subscribed.deliveriesPerSecond)}**`),
        row(
          "deliveries received / expected (duplicates)",
          (r) =>
            `${num(r.subscribed.deliveries, 0)} / ${num(r.subscribed.expectedDeliveries, 0)} (${num(r.subscribed.duplicates, 0)})`,
        ),
        row("drain: last delivery after the last run finished", (r) =>
          r.subscribed.drainSeconds === null ? "gave up waiting" : `${num(r.subscribed.drainSeconds, 2)} s`,
        ),
        row("CPU while draining: host / Postgres", (r) => busy(r.subscribed.drainResources)),
        ...latencyRows,
      ],
    ),
  ].join("\n");
}

function ratiosSection(report: BenchReport, kinds: HostKind[]): string {
  const rows: string[][] = [];
  for (const kind of kinds) {
    const r = report.hosts[kind]?.ratios;
    if (!r) continue;
    rows.push([HOST_TITLES[kind], "host / in-process ceiling", times(r.hostOverCeiling)]);
    if (kind === "postgres") {
      rows.push([HOST_TITLES[kind], "host / DBOS Transact", times(r.hostOverPeer)]);
      rows.push([HOST_TITLES[kind], "in-process ceiling / DBOS Transact", times(r.ceilingOverPeer)]);
      rows.push([HOST_TITLES[kind], "two processes / one", times(r.twoHostsOverOne)]);
    }
    if (r.subscribedOverUnsubscribed !== undefined)
      rows.push([HOST_TITLES[kind], "one webhook subscription / none", times(r.subscribedOverUnsubscribed, 3)]);
    if (r.rssAfterOverBeforeBurst !== undefined)
      rows.push([HOST_TITLES[kind], "RSS a minute after a burst / before it", times(r.rssAfterOverBeforeBurst)]);
    if (r.pollingOverSse !== undefined)
      rows.push([
        HOST_TITLES[kind],
        "runs/s polling GET /v1/runs/{id} / runs/s over SSE (same bench run)",
        r.pollingOverSse === null ? "not measured (SSE throughput not in the same run)" : times(r.pollingOverSse),
      ]);
    if (r.runsListWorstP50 !== undefined)
      rows.push([
        HOST_TITLES[kind],
        "GET /v1/runs p50, many runs stored / few (highest query)",
        times(r.runsListWorstP50),
      ]);
  }
  return [
    "## Ratios",
    "",
    "Ratios compare figures taken minutes apart in the same run on the same machine, which is what makes them meaningful; the absolute figures move with the machine.",
    "",
    table(["Host", "Ratio", "Value"], rows),
  ].join("\n");
}

function publishedSection(): string {
  return [
    "## Published figures of other systems, for scale",
    "",
    "Vendor figures on their own (much larger) hardware; they are not comparable with the table above, only a sense of the range. Each row names where the figure was published.",
    "",
    table(
      ["System", "Figure", "Setup"],
      [
        ["DBOS", "43k workflows/s sustained", "one RDS Postgres with 96 vCPU (dbos.dev blog)"],
        [
          "Hatchet",
          "2000 runs/s at 83% database CPU",
          "8-vCPU RDS, two engine replicas (hatchet docs, self-hosting/benchmarking)",
        ],
        [
          "graphile-worker",
          "15.6k jobs/s without batching, ~184k/s with",
          "i9-14900K, Postgres on the same host (graphile/worker performance.md)",
        ],
        [
          "Temporal Cloud",
          "StartWorkflowExecution p99 69 ms",
          "managed service, one week in Jan 2026 (docs.temporal.io)",
        ],
      ],
    ),
  ].join("\n");
}

function profilesSection(report: BenchReport): string | null {
  if (!report.profiles || report.profiles.length === 0) return null;
  const parts = [
    "## CPU profiles",
    "",
    "Written with `--profile` (`node --cpu-prof` on each measured process); shares are of busy (non-idle) CPU time.",
  ];
  for (const profile of report.profiles) {
    parts.push(
      "",
      `### ${profile.file} (${num(profile.busyMs / 1000, 1)} s busy)`,
      "",
      table(
        ["Module (self time)", "%"],
        profile.byModule.slice(0, 10).map((e) => [e.name, num(e.percent, 1)]),
      ),
      "",
      table(
        ["Function (self time)", "%"],
        profile.topSelf.slice(0, 12).map((e) => [e.name, num(e.percent, 1)]),
      ),
    );
  }
  return parts.join("\n");
}

function methodSection(): string {
  return [
    "## Method",
    "",
    "- Every host is started from its built `dist/main.js` as its own process, with the environment its manifest documents (`PORT`, `HOST`, `OPENWOP_API_KEY`, `OPENWOP_WORKFLOWS_DIR`, and `OPENWOP_SQLITE_PATH` or `DATABASE_URL`), on a fresh SQLite file or a fresh Postgres database for every measurement, with the backpressure bounds raised out of the way.",
    "- The clients are undici connection pools in the bench process, sized so no request waits for a connection of the client's own.",
    "- Percentiles are nearest-rank over every sample of the measured phase (no interpolation, no sampling); throughput counts completed runs over the wall time of the measured phase, after a warm-up with the same concurrency.",
    "- CPU is read from `/proc/<pid>/stat` for the measured processes and every `postgres` process, and from `process.cpuUsage()` for the bench itself; memory from `VmRSS`/`VmHWM` in `/proc/<pid>/status`.",
    "- Nothing asserts on wall-clock figures: the bench reports, and the targets table says what was met.",
  ].join("\n");
}

/** The whole page. `analysis` is hand-written markdown (bench/analysis.md) placed after the figures. */
export function renderMarkdown(report: BenchReport, analysis?: string): string {
  const kinds = (["sqlite", "postgres"] as const).filter((kind) => report.hosts[kind] !== undefined);
  const minutes = report.durationSeconds / 60;
  const sections: Array<string | null> = [
    "# Benchmarks",
    [
      `<!-- Generated by \`./pnpmw bench\` (bench/src/report.ts); edit bench/analysis.md or the bench, not this file. -->`,
      "",
      `Generated ${report.generatedAt} by \`${report.command}\` in ${num(minutes, 1)} minutes. The raw figures are in [\`bench/results/latest.json\`](../bench/results/latest.json); to reproduce, run the same command from the repository root.`,
      ...(report.merged ?? []).map(
        (run) =>
          `\nMerged in later (\`--merge\`): ${run.workloads.join(", ")} on ${run.hosts.join(", ")}, by \`${run.command}\` at ${run.generatedAt} in ${num(run.durationSeconds / 60, 1)} minutes (load average ${run.loadAverage.start.join(" / ")} → ${run.loadAverage.end.join(" / ")}); those sections and the targets and ratios they feed come from that run.`,
      ),
    ].join("\n"),
    targetsSection(report),
    tiersSection(report, kinds),
    machineSection(report),
    settingsSection(report),
    throughputSection(report, kinds),
    deliverySection(report, kinds),
    heldSection(report, kinds),
    scaleOutSection(report),
    ceilingSection(report, kinds),
    peerSection(report),
    webhooksSection(report, kinds),
    burstSection(report, kinds),
    runsListSection(report, kinds),
    pollingSection(report, kinds),
    ratiosSection(report, kinds),
    reasons(report).length > 0 ? ["## Not measured", "", ...reasons(report)].join("\n") : null,
    analysis?.trim() ? analysis.trim() : null,
    profilesSection(report),
    publishedSection(),
    methodSection(),
  ];
  return `${sections.filter((s): s is string => s !== null).join("\n\n")}\n`;
}
