import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The local webhook receiver: records which (run, sequence) pairs arrived, at least once.
 * It answers 503 to every twentieth delivery, so retries are exercised too, but only
 * `refusals` times in all: a host marks a subscription `failed` after 100 failed attempts
 * within 7 days (webhooks.md), and then stops delivering to it, as it should.
 */
export class WebhookReceiver {
  /** `${runId}:${sequence}` of every delivery that was answered 200. */
  readonly delivered = new Set<string>();
  received = 0;
  /** Deliveries that arrived again after a 200: allowed (at-least-once), counted. */
  repeats = 0;
  /** Deliveries answered 503 so far. */
  refused = 0;
  #server: Server | undefined;
  readonly #refuseEvery: number;
  readonly #refusals: number;

  private constructor(refuseEvery: number, refusals: number) {
    this.#refuseEvery = refuseEvery;
    this.#refusals = refusals;
  }

  static async start(refuseEvery = 20, refusals = 40): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(refuseEvery, refusals);
    const server = createServer((req, res) => {
      void receiver.#handle(req).then((status) => {
        res.writeHead(status).end();
      });
    });
    receiver.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}/hook`;
  }

  async #handle(req: IncomingMessage): Promise<number> {
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    this.received += 1;
    if (this.refused < this.#refusals && this.received % this.#refuseEvery === 0) {
      this.refused += 1;
      return 503;
    }
    try {
      const body = JSON.parse(raw) as { runId?: unknown; event?: { sequence?: unknown } };
      const key = `${String(body.runId)}:${String(body.event?.sequence)}`;
      if (this.delivered.has(key)) this.repeats += 1;
      this.delivered.add(key);
    } catch {
      return 400;
    }
    return 200;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
