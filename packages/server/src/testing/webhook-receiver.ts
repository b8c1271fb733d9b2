import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "@openwop/client";
import { eventually } from "@openwop/storage/testing";

/** One request a receiver got, exactly as it arrived. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The body's bytes as UTF-8: what a signature is checked against. */
  rawBody: string;
  /** The body parsed, or undefined when it is not JSON. */
  json: unknown;
  receivedAt: number;
}

/** How the receiver answers its n-th request (counted from 0). */
export interface ReceiverAnswer {
  status: number;
  /** Answer only after this long (a slow or hanging receiver). */
  delayMs?: number;
  body?: string;
}

export type ReceiverPlan = (n: number, request: ReceivedWebhook) => ReceiverAnswer;

/** A webhook receiver on a real socket, on the loopback interface. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`. */
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  /** Changes how later requests are answered. */
  answer(plan: ReceiverPlan): void;
  /** Resolves once `count` requests arrived (optionally only those matching `where`). */
  waitFor(count: number, where?: (hook: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Answers 200 to everything. */
export const ACCEPT_ALL: ReceiverPlan = () => ({ status: 200 });

/**
 * Starts a receiver that records every request and answers as `plan` says: a real HTTP
 * server, so a test sees the bytes, headers and retries a partner's endpoint would.
 */
export async function startWebhookReceiver(plan: ReceiverPlan = ACCEPT_ALL): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const held = new Set<ServerResponse>();
  let current = plan;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      const hook: ReceivedWebhook = { headers: req.headers, rawBody, json, receivedAt: Date.now() };
      const answer = current(received.length, hook);
      received.push(hook);
      const reply = (): void => {
        held.delete(res);
        if (!res.writableEnded) res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body ?? "");
      };
      held.add(res);
      if (answer.delayMs) setTimeout(reply, answer.delayMs).unref();
      else reply();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer(next) {
      current = next;
    },
    async waitFor(count, where = () => true, timeoutMs = 15_000) {
      await eventually(() => received.filter(where).length >= count, `${count} webhooks`, timeoutMs);
      return received.filter(where);
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** Whether the hook's `v1` signature (webhooks.md §6) verifies under `secret`, checked by the client. */
export function signedWith(hook: ReceivedWebhook, secret: string): boolean {
  return verifyWebhookSignature(
    secret,
    String(hook.headers["x-openwop-timestamp"]),
    hook.rawBody,
    String(hook.headers["x-openwop-signature"]),
  );
}
