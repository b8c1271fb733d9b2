import {
  WEBHOOK_SIGNATURE_VALUES,
  type CreateWebhookRequest,
  type WebhookSignature,
  type WebhookSubscription,
} from "@openwop/types";
import { Option, type Command } from "commander";
import { UsageError } from "../failures.js";
import { withExample } from "../help.js";
import { collect, collectList, integerIn } from "../option-values.js";
import { statusStyle, type Column, type Output } from "../output.js";
import { sessionFor, type CliIo } from "../session.js";
import { registerWebhookListen } from "./webhook-listen.js";

interface AddOptions {
  readonly event?: readonly string[];
  readonly tag?: readonly string[];
  readonly secret?: string;
  readonly signature?: WebhookSignature;
  readonly idempotencyKey?: string;
}

/** `openwop webhooks …`: webhook subscriptions (webhooks.md §2, §3, §12); needs webhooks:manage. */
export function registerWebhooks(program: Command, io: CliIo): void {
  const webhooks = program.command("webhooks").description("subscribe receivers to run events, and manage them");
  withExample(webhooks, "openwop webhooks list");

  const add = webhooks
    .command("add")
    .description("subscribe a receiver URL (POST /v1/webhooks); the signing secret is shown once")
    .argument("<url>", "the receiver, https:// in production")
    .option(
      "--event <types>",
      "an event type to deliver, e.g. run.completed (repeatable or comma-separated; at least one)",
      collectList,
    )
    .option("--tag <tag>", "deliver only runs carrying this tag (repeatable)", collect)
    .option("--secret <secret>", "the signing secret to use (else the host generates one)")
    .addOption(new Option("--signature <scheme>", "signature scheme").choices(WEBHOOK_SIGNATURE_VALUES))
    .option("--idempotency-key <key>", "sent as Idempotency-Key: a retry answers with the same subscription")
    .action(async (url: string, options: AddOptions, command: Command) => {
      const [first, ...rest] = options.event ?? [];
      if (first === undefined)
        throw new UsageError("webhooks add needs at least one --event, e.g. --event run.completed");
      const session = sessionFor(io, command);
      const { out } = session;
      const body: CreateWebhookRequest = {
        url,
        events: [first, ...rest],
        ...(options.tag === undefined ? {} : { tags: [...options.tag] }),
        ...(options.secret === undefined ? {} : { secret: options.secret }),
        ...(options.signature === undefined ? {} : { signature: options.signature }),
      };
      const created = await (await session.client()).webhooks.create(
        body,
        options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey },
      );
      out.result(created, () => {
        out.fields([
          ["webhookId", created.webhookId],
          ["secret", created.secret],
          ["fingerprint", created.secretFingerprint],
        ]);
        out.note("the secret is shown this once: give it to the receiver to verify signatures");
      });
    });
  withExample(add, "openwop webhooks add https://example.com/hooks/openwop --event run.completed,run.failed");

  const list = webhooks
    .command("list")
    .description("list the tenant's subscriptions, newest first (GET /v1/webhooks)")
    .option("--limit <n>", "page size, 1..100", integerIn(1, 100))
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(async (options: { readonly limit?: number; readonly cursor?: string }, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const page = await (await session.client()).webhooks.list({
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
      });
      out.result(page, () => {
        printWebhookTable(out, page.webhooks);
        if (page.nextCursor) out.note(`more: openwop webhooks list --cursor ${page.nextCursor}`);
      });
    });
  withExample(list, "openwop webhooks list --json");

  const show = webhooks
    .command("show")
    .description("show one subscription, its status and circuit (GET /v1/webhooks/{webhookId})")
    .argument("<webhookId>")
    .action(async (webhookId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const subscription = await (await session.client()).webhooks.get(webhookId);
      session.out.result(subscription, () => printWebhook(session.out, subscription));
    });
  withExample(show, "openwop webhooks show wh_01J…");

  const rm = webhooks
    .command("rm")
    .description("delete a subscription (DELETE /v1/webhooks/{webhookId})")
    .argument("<webhookId>")
    .action(async (webhookId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      await (await session.client()).webhooks.delete(webhookId);
      session.out.result({ webhookId, deleted: true }, () => session.out.line(`webhook ${webhookId} deleted`));
    });
  withExample(rm, "openwop webhooks rm wh_01J…");

  for (const [verb, description] of [
    ["pause", "stop delivering; deliveries are still recorded and wait (POST /v1/webhooks/{webhookId}/pause)"],
    ["resume", "deliver again, starting with what waited (POST /v1/webhooks/{webhookId}/resume)"],
  ] as const) {
    const sub = webhooks
      .command(verb)
      .description(description)
      .argument("<webhookId>")
      .action(async (webhookId: string, _options: unknown, command: Command) => {
        const session = sessionFor(io, command);
        const client = await session.client();
        const subscription = await (verb === "pause"
          ? client.webhooks.pause(webhookId)
          : client.webhooks.resume(webhookId));
        session.out.result(subscription, () =>
          session.out.line(`webhook ${subscription.webhookId} ${session.out.status(subscription.status)}`),
        );
      });
    withExample(sub, `openwop webhooks ${verb} wh_01J…`);
  }

  registerWebhookListen(webhooks, io);
}

function printWebhook(out: Output, subscription: WebhookSubscription): void {
  out.fields([
    ["webhookId", subscription.webhookId],
    ["url", subscription.url],
    ["events", subscription.events],
    ["tags", subscription.tags],
    ["status", out.status(subscription.status)],
    ["circuit", subscription.circuit.open ? `open until ${subscription.circuit.openUntil ?? "?"}` : "closed"],
    ["failures", subscription.circuit.consecutiveFailures],
    ["signature", subscription.signature],
    ["fingerprint", subscription.secretFingerprint],
    ["createdAt", subscription.createdAt],
  ]);
}

function printWebhookTable(out: Output, subscriptions: readonly WebhookSubscription[]): void {
  if (subscriptions.length === 0) {
    out.note("no webhooks");
    return;
  }
  const columns: Column<WebhookSubscription>[] = [
    { heading: "WEBHOOK", value: (row) => row.webhookId },
    { heading: "STATUS", value: (row) => row.status, tint: (text, row) => out.paint(statusStyle(row.status), text) },
    { heading: "CIRCUIT", value: (row) => (row.circuit.open ? "open" : "closed") },
    { heading: "EVENTS", value: (row) => row.events },
    { heading: "URL", value: (row) => row.url },
  ];
  out.table(columns, subscriptions);
}
