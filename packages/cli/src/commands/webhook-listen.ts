import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "@openwop/client";
import type { Command } from "commander";
import { UsageError } from "../failures.js";
import { withExample } from "../help.js";
import { collectList, integerIn } from "../option-values.js";
import type { Output } from "../output.js";
import { sessionFor, type CliIo } from "../session.js";

interface ListenOptions {
  readonly port: number;
  readonly host: string;
  readonly url?: string;
  readonly event?: readonly string[];
  readonly secret?: string;
  readonly count?: number;
  readonly keep?: boolean;
}

/** What one verified delivery showed; the `--json` line for it. */
interface VerifiedDelivery {
  readonly verified: true;
  readonly duplicate: boolean;
  readonly webhookId: string | null;
  readonly eventType: string | null;
  readonly runId: string | null;
  readonly sequence: number | null;
  readonly body: unknown;
}

/** Deliveries are small JSON documents; anything larger is refused unread. */
const MAX_BODY_BYTES = 1_048_576;
const DEFAULT_PORT = 8787;

/**
 * `openwop webhooks listen`: a receiver for trying webhooks out, that does what webhooks.md §7
 * asks of one — checks each delivery's `v1` signature over the raw body and its timestamp,
 * refuses an unknown signature algorithm, notices duplicates — and prints what it verified.
 * With `--event` it subscribes itself first (the host generates the secret) and removes the
 * subscription when it stops; with `--secret` it verifies for a subscription made elsewhere.
 */
export function registerWebhookListen(webhooks: Command, io: CliIo): void {
  const listen = webhooks
    .command("listen")
    .description(
      "receive deliveries on a local port, verify each signature and print what arrived; with --event it subscribes itself and unsubscribes when it stops",
    )
    .option("--port <n>", `port to listen on (0: any free one)`, integerIn(0, 65_535), DEFAULT_PORT)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--url <url>", "the URL the host should deliver to, when not http://<host>:<port>/ (a tunnel, a proxy)")
    .option("--event <types>", "subscribe to these event types first (repeatable or comma-separated)", collectList)
    .option("--secret <secret>", "the subscription's signing secret, to verify deliveries of an existing subscription")
    .option("--count <n>", "stop after this many verified deliveries", integerIn(1, 1_000_000))
    .option("--keep", "with --event: keep the subscription when stopping")
    .action(async (options: ListenOptions, command: Command) => {
      const subscribing = options.event !== undefined && options.event.length > 0;
      if (!subscribing && options.secret === undefined)
        throw new UsageError(
          "webhooks listen needs --event (to subscribe itself) or --secret (to verify an existing subscription's deliveries)",
        );
      const session = sessionFor(io, command);
      const { out } = session;
      let secret = options.secret ?? "";
      const seen = new Set<string>();
      let verified = 0;
      let stop: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => {
        stop = resolve;
      });

      const server = createServer((request, response) => {
        receive(request, response, secret, seen, out).then(
          (delivery) => {
            if (delivery === undefined || delivery.duplicate) return;
            verified += 1;
            if (options.count !== undefined && verified >= options.count) stop();
          },
          () => response.destroy(),
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      const url = options.url ?? `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}/`;

      let webhookId: string | undefined;
      try {
        if (subscribing) {
          const [first, ...rest] = options.event as readonly string[];
          const created = await (await session.client()).webhooks.create({
            url,
            events: [first as string, ...rest],
            ...(options.secret === undefined ? {} : { secret: options.secret }),
          });
          webhookId = created.webhookId;
          secret = created.secret;
          out.note(`subscribed webhook ${webhookId} to ${[first, ...rest].join(", ")}`);
        }
        const until = options.count === undefined ? "Ctrl-C stops" : `stopping after ${options.count} verified`;
        out.note(`listening on ${url} (${until})`);
        io.signal.addEventListener("abort", () => stop(), { once: true });
        if (io.signal.aborted) stop();
        await stopped;
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (webhookId !== undefined && options.keep !== true) {
          await (await session.client()).webhooks.delete(webhookId);
          out.note(`unsubscribed webhook ${webhookId}`);
        }
      }
      out.note(`${verified} verified deliver${verified === 1 ? "y" : "ies"}`);
    });
  withExample(listen, "openwop webhooks listen --event run.completed,run.failed --count 1");
}

/** Answers one request: 204 for a verified delivery, 4xx for anything else, with the reason. */
async function receive(
  request: IncomingMessage,
  response: ServerResponse,
  secret: string,
  seen: Set<string>,
  out: Output,
): Promise<VerifiedDelivery | undefined> {
  const refuse = (status: number, reason: string) => {
    response.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${reason}\n`);
    out.warn(`refused a ${request.method ?? "?"} ${request.url ?? ""}: ${reason}`);
    return undefined;
  };
  if (request.method !== "POST") return refuse(405, "only POST deliveries are received here");
  const raw = await readBody(request);
  if (raw === undefined) return refuse(413, `body over ${MAX_BODY_BYTES} bytes`);
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const algorithm = header("x-openwop-signature-algorithm");
  if (algorithm !== undefined && algorithm !== "v1")
    return refuse(400, `unknown signature algorithm ${JSON.stringify(algorithm)}`);
  const timestamp = header("x-openwop-timestamp");
  const signature = header("x-openwop-signature");
  if (timestamp === undefined || signature === undefined)
    return refuse(401, "no X-openwop-Timestamp or X-openwop-Signature header");
  if (secret === "" || !verifyWebhookSignature(secret, timestamp, raw, signature))
    return refuse(401, "the signature does not verify (wrong secret, altered body, or a timestamp over 300 s away)");

  let body: unknown = null;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    // Signed but not JSON: verified all the same; shown as null.
  }
  const event = (body as { event?: { type?: unknown; sequence?: unknown } } | null)?.event;
  const runId = (body as { runId?: unknown } | null)?.runId;
  const webhookId = header("x-openwop-webhook-id") ?? null;
  const delivery: VerifiedDelivery = {
    verified: true,
    duplicate: false,
    webhookId,
    eventType: typeof event?.type === "string" ? event.type : (header("x-openwop-event-type") ?? null),
    runId: typeof runId === "string" ? runId : null,
    sequence: typeof event?.sequence === "number" ? event.sequence : null,
    body,
  };
  // webhooks.md §7: a durable host may deliver the same event twice.
  const identity = JSON.stringify([delivery.webhookId, delivery.runId, delivery.sequence]);
  const duplicate = seen.has(identity);
  seen.add(identity);
  response.writeHead(204).end();
  const shown = { ...delivery, duplicate };
  if (out.json) out.printJsonLine(shown);
  else
    out.line(
      [
        out.paint(duplicate ? "yellow" : "green", duplicate ? "duplicate" : "verified"),
        shown.eventType ?? "-",
        `run ${shown.runId ?? "-"}`,
        `seq ${shown.sequence ?? "-"}`,
        `webhook ${shown.webhookId ?? "-"}`,
      ].join("  "),
    );
  return shown;
}

/** The raw body, or undefined once it passes the bound (the rest is not read). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
