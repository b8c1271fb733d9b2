import { DELIVERY_STATUS_VALUES, type DeliveryStatus, type WebhookDelivery } from "@openwop/types";
import { Option, type Command } from "commander";
import { withExample } from "../help.js";
import { collectList, instant, integerIn } from "../option-values.js";
import { statusStyle, type Column, type Output } from "../output.js";
import { sessionFor, type CliIo } from "../session.js";

interface ListOptions {
  readonly status?: DeliveryStatus;
  readonly run?: string;
  readonly eventType?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

interface DeadLetterOptions {
  readonly since?: string;
  readonly until?: string;
  readonly eventType?: readonly string[];
  readonly limit?: number;
}

/**
 * `openwop deliveries …` and `openwop dead-letters replay`: the delivery records of durable
 * hosts (webhooks.md §13, §14); needs webhooks:manage.
 */
export function registerDeliveries(program: Command, io: CliIo): void {
  const deliveries = program.command("deliveries").description("inspect and replay a webhook's deliveries");
  withExample(deliveries, "openwop deliveries list wh_01J… --status dead_lettered");

  const list = deliveries
    .command("list")
    .description("a webhook's deliveries, newest first (GET /v1/webhooks/{webhookId}/deliveries)")
    .argument("<webhookId>")
    .addOption(new Option("--status <status>", "only deliveries in this status").choices(DELIVERY_STATUS_VALUES))
    .option("--run <runId>", "only deliveries of this run")
    .option("--event-type <type>", "only deliveries of this event type")
    .option("--limit <n>", "page size, 1..100", integerIn(1, 100))
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(async (webhookId: string, options: ListOptions, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const page = await (await session.client()).deliveries.list(webhookId, {
        ...(options.status === undefined ? {} : { status: options.status }),
        ...(options.run === undefined ? {} : { runId: options.run }),
        ...(options.eventType === undefined ? {} : { eventType: options.eventType }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
      });
      out.result(page, () => {
        printDeliveryTable(out, page.deliveries);
        if (page.nextCursor) out.note(`more: openwop deliveries list ${webhookId} --cursor ${page.nextCursor}`);
      });
    });
  withExample(list, "openwop deliveries list wh_01J… --run run_01J…");

  const show = deliveries
    .command("show")
    .description("one delivery with every attempt (GET /v1/webhooks/{webhookId}/deliveries/{deliveryId})")
    .argument("<webhookId>")
    .argument("<deliveryId>")
    .action(async (webhookId: string, deliveryId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const delivery = await (await session.client()).deliveries.get(webhookId, deliveryId);
      out.result(delivery, () => printDelivery(out, delivery));
    });
  withExample(show, "openwop deliveries show wh_01J… dl_01J…");

  const replay = deliveries
    .command("replay")
    .description("deliver again with a fresh attempt budget (POST …/deliveries/{deliveryId}/replay)")
    .argument("<webhookId>")
    .argument("<deliveryId>")
    .action(async (webhookId: string, deliveryId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const delivery = await (await session.client()).deliveries.replay(webhookId, deliveryId);
      out.result(delivery, () => out.line(`delivery ${delivery.deliveryId} ${out.status(delivery.status)} again`));
    });
  withExample(replay, "openwop deliveries replay wh_01J… dl_01J…");

  const deadLetters = program.command("dead-letters").description("bring a webhook's dead letters back");
  withExample(deadLetters, "openwop dead-letters replay wh_01J…");
  const replayDead = deadLetters
    .command("replay")
    .description(
      "make a webhook's dead-lettered deliveries pending again (POST /v1/webhooks/{webhookId}/dead-letters/replay)",
    )
    .argument("<webhookId>")
    .option("--since <date-time>", "only those dead-lettered since", instant)
    .option("--until <date-time>", "only those dead-lettered until", instant)
    .option("--event-type <types>", "only these event types (repeatable or comma-separated)", collectList)
    .option("--limit <n>", "at most this many", integerIn(1, 10_000))
    .action(async (webhookId: string, options: DeadLetterOptions, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const [firstType, ...otherTypes] = options.eventType ?? [];
      const body = {
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.until === undefined ? {} : { until: options.until }),
        ...(firstType === undefined ? {} : { eventTypes: [firstType, ...otherTypes] as [string, ...string[]] }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      };
      const answer = await (await session.client()).deliveries.replayDeadLetters(webhookId, body);
      out.result(answer, () =>
        out.line(`${answer.requeued} dead letter${answer.requeued === 1 ? "" : "s"} pending again`),
      );
    });
  withExample(
    replayDead,
    "openwop dead-letters replay wh_01J… --since 2026-01-31T00:00:00Z --event-type run.completed",
  );
}

function printDeliveryTable(out: Output, deliveries: readonly WebhookDelivery[]): void {
  if (deliveries.length === 0) {
    out.note("no deliveries");
    return;
  }
  const columns: Column<WebhookDelivery>[] = [
    { heading: "DELIVERY", value: (row) => row.deliveryId },
    { heading: "STATUS", value: (row) => row.status, tint: (text, row) => out.paint(statusStyle(row.status), text) },
    { heading: "EVENT", value: (row) => row.eventType },
    { heading: "RUN", value: (row) => row.runId },
    { heading: "ATTEMPTS", value: (row) => row.attempts },
    { heading: "UPDATED", value: (row) => row.updatedAt },
    { heading: "LAST ERROR", value: (row) => row.lastError },
  ];
  out.table(columns, deliveries);
}

function printDelivery(out: Output, delivery: WebhookDelivery): void {
  out.fields([
    ["deliveryId", delivery.deliveryId],
    ["webhookId", delivery.webhookId],
    ["status", out.status(delivery.status)],
    ["event", `${delivery.eventType} #${delivery.sequence} of ${delivery.runId}`],
    ["attempts", delivery.attempts],
    ["nextAttemptAt", delivery.nextAttemptAt],
    ["deliveredAt", delivery.deliveredAt],
    ["lastError", delivery.lastError],
  ]);
  const attempts = delivery.attemptLog ?? [];
  if (attempts.length === 0) return;
  out.line();
  out.table(
    [
      { heading: "ATTEMPT", value: (row) => row.attempt },
      { heading: "STARTED", value: (row) => row.startedAt },
      { heading: "STATUS", value: (row) => row.statusCode },
      { heading: "LATENCY", value: (row) => `${row.latencyMs} ms` },
      { heading: "ERROR", value: (row) => row.error },
    ],
    attempts,
  );
}
