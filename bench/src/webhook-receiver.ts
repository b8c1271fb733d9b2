import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The webhook workload's receiver: a real HTTP server in the bench process, on loopback,
 * answering 204 as soon as a delivery's body is in, so what is measured is the host's
 * dispatch, not a slow receiver. It keeps one receipt per delivery; delivery is
 * at-least-once (webhooks.md §13.2), so a delivery that arrives again is counted as a
 * duplicate, never as a second delivery.
 */

export interface WebhookReceipt {
  /** `X-openwop-Delivery-Id`, or `<webhookId>/<runId>/<sequence>` from a host that sends none. */
  deliveryId: string;
  /** `X-openwop-Webhook-Id`: which subscription this delivery is for. */
  webhookId: string;
  eventType: string;
  runId: string;
  /** Epoch ms of the event's `timestamp`. */
  eventAt: number;
  /** Epoch ms when the body had arrived: `Date.now()`, the clock the host stamps events with. */
  receivedAt: number;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The receipt of one request, or undefined when its body is not a delivery (webhooks.md §5.2). */
export function receiptOf(
  headers: IncomingHttpHeaders,
  rawBody: string,
  receivedAt: number,
): WebhookReceipt | undefined {
  let body: { runId?: unknown; event?: { type?: unknown; timestamp?: unknown; sequence?: unknown } };
  try {
    body = JSON.parse(rawBody) as typeof body;
  } catch {
    return undefined;
  }
  const event = body.event;
  const eventAt = typeof event?.timestamp === "string" ? Date.parse(event.timestamp) : Number.NaN;
  if (typeof body.runId !== "string" || !Number.isFinite(eventAt)) return undefined;
  const webhookId = header(headers, "x-openwop-webhook-id") ?? "";
  const eventType = header(headers, "x-openwop-event-type") ?? (typeof event?.type === "string" ? event.type : "");
  return {
    deliveryId:
      header(headers, "x-openwop-delivery-id") ?? `${webhookId}/${body.runId}/${String(event?.sequence ?? "")}`,
    webhookId,
    eventType,
    runId: body.runId,
    eventAt,
    receivedAt,
  };
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`. */
  readonly url: string;
  /** One receipt per distinct delivery, in order of arrival. */
  readonly receipts: readonly WebhookReceipt[];
  /** Requests for a delivery already received. */
  readonly duplicates: number;
  /** Requests whose body was not a delivery. */
  readonly malformed: number;
  /**
   * Resolves true once `count` distinct deliveries have arrived, false if before that none
   * arrived for `stallMs` (the host stopped delivering, or never started).
   */
  waitFor(count: number, stallMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How often `waitFor` looks; the drain time comes from the receipts' own times, not from this. */
const POLL_MS = 50;

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receipts: WebhookReceipt[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let malformed = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const receipt = receiptOf(request.headers, Buffer.concat(chunks).toString("utf8"), Date.now());
      response.writeHead(204).end();
      if (!receipt) malformed += 1;
      else if (seen.has(receipt.deliveryId)) duplicates += 1;
      else {
        seen.add(receipt.deliveryId);
        receipts.push(receipt);
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    receipts,
    get duplicates() {
      return duplicates;
    },
    get malformed() {
      return malformed;
    },
    async waitFor(count, stallMs) {
      const waitStarted = Date.now();
      while (receipts.length < count) {
        const lastArrival = Math.max(waitStarted, receipts.at(-1)?.receivedAt ?? 0);
        if (Date.now() - lastArrival > stallMs) return false;
        await sleep(POLL_MS);
      }
      return true;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
