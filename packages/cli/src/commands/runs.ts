import type { ListRunsOptions } from "@openwop/client";
import {
  DRAIN_POLICY_VALUES,
  RUN_STATUS_VALUES,
  type BulkCancelResponse,
  type CreateRunRequest,
  type DrainPolicy,
  type RunSnapshot,
  type RunStatus,
  type RunSummary,
} from "@openwop/types";
import { Option, type Command } from "commander";
import { CommandFailed } from "../failures.js";
import { withExample } from "../help.js";
import { readInputs } from "../inputs.js";
import { LiveLine } from "../live-line.js";
import { collect, instant, integerIn } from "../option-values.js";
import { statusStyle, type Column, type Output } from "../output.js";
import { followRun } from "../run-view.js";
import { sessionFor, type CliIo } from "../session.js";

interface CreateOptions {
  readonly input?: readonly string[];
  readonly inputsFile?: string;
  readonly wait?: boolean;
  readonly idempotencyKey?: string;
  readonly tag?: readonly string[];
}

interface ListOptions {
  readonly status?: RunStatus;
  readonly workflow?: string;
  readonly tag?: string;
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly all?: boolean;
}

/** `openwop runs …`: create, read, list, watch and steer runs. */
export function registerRuns(program: Command, io: CliIo): void {
  const runs = program.command("runs").description("create, inspect, list, watch, cancel, pause and resume runs");
  withExample(runs, "openwop runs list --status running");

  const create = runs
    .command("create")
    .description("start a run of a workflow (POST /v1/runs); 503/429 are retried under one Idempotency-Key")
    .argument("<workflowId>", "the workflow to run")
    .option("--input <key=value>", "an input; the value is JSON when it reads as JSON, else text (repeatable)", collect)
    .option("--inputs-file <file>", "a JSON object of inputs (- reads standard input); --input values override it")
    .option("--wait", "follow the run to its end; exit 1 unless it completed")
    .option("--idempotency-key <key>", "sent as Idempotency-Key: the same key answers with the same run")
    .option("--tag <tag>", "a tag for the run (repeatable)", collect)
    .action(async (workflowId: string, options: CreateOptions, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const inputs = await readInputs(options.input, options.inputsFile);
      const client = await session.client();
      const body: CreateRunRequest = {
        workflowId,
        ...(inputs === undefined ? {} : { inputs }),
        ...(options.tag === undefined ? {} : { tags: [...options.tag] }),
      };
      const created = await client.createRun(
        body,
        options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey },
      );
      if (!options.wait) {
        out.result(created, () => {
          out.fields([
            ["runId", created.runId],
            ["status", out.status(created.status)],
            ["events", created.eventsUrl],
            ...(created.replayed ? [["replayed", "yes (the Idempotency-Key was used before)"] as const] : []),
          ]);
        });
        return;
      }
      out.note(`created run ${created.runId}${created.replayed ? " (replayed)" : ""}`);
      const snapshot = await followRun(client, out, created.runId, { signal: io.signal, show: "progress" });
      out.result(snapshot, () => printRun(out, snapshot));
    });
  withExample(
    create,
    "openwop runs create conformance-delay --input delayMs=500 --wait",
    "openwop runs create conformance-identity --inputs-file inputs.json --tag nightly --idempotency-key order-42",
  );

  const get = runs
    .command("get")
    .description("show a run's snapshot (GET /v1/runs/{runId})")
    .argument("<runId>")
    .action(async (runId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const snapshot = await (await session.client()).getRun(runId);
      session.out.result(snapshot, () => printRun(session.out, snapshot));
    });
  withExample(get, "openwop runs get run_01J… --json");

  const list = runs
    .command("list")
    .description("list the tenant's runs, newest first (GET /v1/runs)")
    .addOption(new Option("--status <status>", "only runs in this status").choices(RUN_STATUS_VALUES))
    .option("--workflow <workflowId>", "only runs of this workflow")
    .option("--tag <tag>", "only runs carrying this tag")
    .option("--created-after <date-time>", "only runs created after this instant", instant)
    .option("--created-before <date-time>", "only runs created before this instant", instant)
    .option("--limit <n>", "page size, 1..100", integerIn(1, 100))
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .option("--all", "follow nextCursor through every page (progress on standard error)")
    .action(async (options: ListOptions, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const client = await session.client();
      const filters: ListRunsOptions = {
        ...(options.status === undefined ? {} : { status: options.status }),
        ...(options.workflow === undefined ? {} : { workflowId: options.workflow }),
        ...(options.tag === undefined ? {} : { tag: options.tag }),
        ...(options.createdAfter === undefined ? {} : { createdAfter: options.createdAfter }),
        ...(options.createdBefore === undefined ? {} : { createdBefore: options.createdBefore }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      };
      if (!options.all) {
        const page = await client.runs.list({
          ...filters,
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        });
        out.result(page, () => {
          printRunTable(out, page.runs);
          if (page.nextCursor) out.note(`more: openwop runs list --cursor ${page.nextCursor}`);
        });
        return;
      }
      const progress = new LiveLine(out.stderr);
      const collected: RunSummary[] = [];
      let cursor = options.cursor;
      do {
        const page = await client.runs.list({ ...filters, ...(cursor === undefined ? {} : { cursor }) });
        collected.push(...page.runs);
        cursor = page.nextCursor ?? undefined;
        progress.update(`fetched ${collected.length} run${collected.length === 1 ? "" : "s"}${cursor ? "…" : ""}`);
      } while (cursor !== undefined && !io.signal.aborted);
      progress.done();
      out.result({ runs: collected, nextCursor: cursor ?? null }, () => printRunTable(out, collected));
    });
  withExample(
    list,
    "openwop runs list --status waiting-approval --workflow invoice-approval",
    "openwop runs list --all --created-after 2026-01-01T00:00:00Z --json",
  );

  const watch = runs
    .command("watch")
    .description("follow a run's events live until it ends; exit 1 unless it completed (--json: one event per line)")
    .argument("<runId>")
    .action(async (runId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const client = await session.client();
      const snapshot = await followRun(client, session.out, runId, { signal: io.signal, show: "events" });
      if (!session.out.json) session.out.line(`run ${runId} ${session.out.status(snapshot.status)}`);
    });
  withExample(watch, "openwop runs watch run_01J…", "openwop runs watch run_01J… --json | jq -r .type");

  const cancel = runs
    .command("cancel")
    .description("cancel a run (POST /v1/runs/{runId}/cancel)")
    .argument("<runId>")
    .option("--reason <text>", "why, recorded with the cancellation")
    .action(async (runId: string, options: { readonly reason?: string }, command: Command) => {
      const session = sessionFor(io, command);
      const answer = await (await session.client()).cancelRun(runId, options.reason);
      session.out.result(answer, () => session.out.line(`run ${answer.runId} ${session.out.status(answer.status)}`));
    });
  withExample(cancel, 'openwop runs cancel run_01J… --reason "wrong inputs"');

  const pause = runs
    .command("pause")
    .description("pause a run: it starts no node until resumed (POST /v1/runs/{runId}:pause)")
    .argument("<runId>")
    .option("--reason <text>", "why, recorded with the pause")
    .addOption(
      new Option("--drain-policy <policy>", "let the node in progress finish, or stop at once").choices(
        DRAIN_POLICY_VALUES,
      ),
    )
    .action(
      async (
        runId: string,
        options: { readonly reason?: string; readonly drainPolicy?: DrainPolicy },
        command: Command,
      ) => {
        const session = sessionFor(io, command);
        const client = await session.client();
        const answer = await client.runs.pause(runId, {
          ...(options.reason === undefined ? {} : { reason: options.reason }),
          ...(options.drainPolicy === undefined ? {} : { drainPolicy: options.drainPolicy }),
        });
        session.out.result(answer, () =>
          session.out.line(`run ${answer.runId} ${session.out.status(answer.status)} at ${answer.pausedAt}`),
        );
      },
    );
  withExample(pause, 'openwop runs pause run_01J… --reason "upstream outage" --drain-policy drain-current-node');

  const resume = runs
    .command("resume")
    .description("resume a paused run (POST /v1/runs/{runId}:resume)")
    .argument("<runId>")
    .action(async (runId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const answer = await (await session.client()).runs.resume(runId);
      session.out.result(answer, () =>
        session.out.line(`run ${answer.runId} ${session.out.status(answer.status)} at ${answer.resumedAt}`),
      );
    });
  withExample(resume, "openwop runs resume run_01J…");

  const bulkCancel = runs
    .command("bulk-cancel")
    .description("cancel up to 100 runs in one request; exit 1 when any was refused (POST /v1/runs:bulk-cancel)")
    .argument("<runId...>", "the runs to cancel")
    .option("--reason <text>", "why, recorded with each cancellation")
    .action(async (runIds: string[], options: { readonly reason?: string }, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const answer = await (await session.client()).runs.bulkCancel(
        runIds,
        options.reason === undefined ? {} : { reason: options.reason },
      );
      const refused = answer.results.filter((result) => !result.ok);
      if (refused.length > 0 && out.json) {
        throw new CommandFailed(`${refused.length} of ${answer.results.length} runs not cancelled`, answer);
      }
      out.result(answer, () => printBulkResults(out, answer));
      if (refused.length > 0)
        throw new CommandFailed(`${refused.length} of ${answer.results.length} runs not cancelled`);
    });
  withExample(bulkCancel, 'openwop runs bulk-cancel run_a run_b run_c --reason "bad deploy"');
}

type BulkResult = BulkCancelResponse["results"][number];

function printBulkResults(out: Output, answer: BulkCancelResponse): void {
  const columns: Column<BulkResult>[] = [
    { heading: "RUN", value: (row) => row.runId },
    {
      heading: "RESULT",
      value: (row) => (row.ok ? "ok" : "refused"),
      tint: (text, row) => out.paint(row.ok ? "green" : "red", text),
    },
    { heading: "STATUS", value: (row) => row.status },
    { heading: "ERROR", value: (row) => (row.error ? `${row.error.error}: ${row.error.message}` : undefined) },
  ];
  out.table(columns, answer.results);
}

function printRunTable(out: Output, runs: readonly RunSummary[]): void {
  if (runs.length === 0) {
    out.note("no runs");
    return;
  }
  const columns: Column<RunSummary>[] = [
    { heading: "RUN", value: (run) => run.runId },
    { heading: "WORKFLOW", value: (run) => run.workflowId },
    { heading: "STATUS", value: (run) => run.status, tint: (text, run) => out.paint(statusStyle(run.status), text) },
    { heading: "CREATED", value: (run) => run.createdAt },
    { heading: "NODE", value: (run) => run.currentNodeId },
    { heading: "TAGS", value: (run) => run.tags },
  ];
  out.table(columns, runs);
}

function printRun(out: Output, run: RunSnapshot): void {
  out.fields([
    ["runId", run.runId],
    ["workflowId", run.workflowId],
    ["status", out.status(run.status)],
    ["currentNode", run.currentNodeId],
    ["startedAt", run.startedAt],
    ["completedAt", run.completedAt],
    ["tags", run.tags],
    ...(run.error ? [["error", `${run.error.code}: ${run.error.message}`] as const] : []),
  ]);
}
