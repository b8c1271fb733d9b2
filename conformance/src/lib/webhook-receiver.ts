import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { show } from "../runner/assertions.js";
import type { ScenarioContext } from "../runner/scenario.js";

/** One request the receiver got, as it arrived. */
export interface ReceivedRequest {
  /** 0 for the first request this receiver got, counting up. */
  readonly index: number;
  readonly method: string;
  /** The request target (path and query). */
  readonly path: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes exactly as received: what a signature covers. */
  readonly raw: Buffer;
  readonly text: string;
  /** The body parsed as JSON, or `undefined`. */
  readonly body: unknown;
  /** `Date.now()` when the body had been read. */
  readonly receivedAt: number;
  /** The status the receiver answered with. */
  readonly answeredWith: number;
}

/** Chooses the status for a request, given the ones that came before it. */
export type AnswerPlan = (
  request: Omit<ReceivedRequest, "answeredWith">,
  earlier: readonly ReceivedRequest[],
) => number;

/** Answers every request with `status`. */
export const answerAlways =
  (status: number): AnswerPlan =>
  () =>
    status;

/**
 * Answers the requests of each delivery from `statuses` in order, then `then` for ever: a
 * delivery is named by its `X-openwop-Delivery-Id` (durable hosts), or else by webhook, run
 * and sequence (§7's de-duplication key), so unrelated deliveries do not consume the plan.
 * `failFirst(2)` is "503, 503, then 200".
 */
export function answerInSequence(statuses: readonly number[], then: number): AnswerPlan {
  return (request, earlier) => {
    const key = deliveryKey(request);
    const before = earlier.filter((other) => deliveryKey(other) === key).length;
    return statuses[before] ?? then;
  };
}

export const failFirst = (count: number, failure = 503, then = 200): AnswerPlan =>
  answerInSequence(
    Array.from({ length: count }, () => failure),
    then,
  );

/** What identifies one delivery across its attempts. */
export function deliveryKey(request: Pick<ReceivedRequest, "headers" | "body">): string {
  const id = request.headers["x-openwop-delivery-id"];
  if (id !== undefined && id.length > 0) return `id:${id}`;
  const body = asRecord(request.body);
  const event = asRecord(body?.event);
  return `run:${request.headers["x-openwop-webhook-id"] ?? ""}:${String(body?.runId)}:${String(event?.sequence)}`;
}

/** The `runId` of a delivery body, when it has one. */
export const runIdOf = (request: Pick<ReceivedRequest, "body">): unknown => asRecord(request.body)?.runId;

/** The `event` of a delivery body, when it has one. */
export const eventOf = (request: Pick<ReceivedRequest, "body">): Record<string, unknown> | undefined =>
  asRecord(asRecord(request.body)?.event);

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/openwop-conformance/<nonce>`: subscribe this. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** Replaces how later requests are answered. */
  answer(plan: AnswerPlan): void;
  /**
   * Resolves with the requests that match once there are at least `count` (default 1);
   * fails the scenario with what did arrive when `timeoutMs` (unscaled) runs out first.
   */
  waitFor(
    match: (request: ReceivedRequest) => boolean,
    options: { readonly count?: number; readonly timeoutMs: number; readonly what: string },
  ): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Most bytes of a request body kept; a delivery is a few hundred. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts a receiver on an ephemeral loopback port that records every request and answers
 * from `plan` (200 unless told otherwise); it is closed when the scenario ends.
 */
export async function startWebhookReceiver(
  context: ScenarioContext,
  plan: AnswerPlan = answerAlways(200),
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  let current = plan;
  const path = `/openwop-conformance/${randomBytes(8).toString("hex")}`;

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    incoming.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString("utf8");
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
      }
      const seen = {
        index: requests.length,
        method: incoming.method ?? "",
        path: incoming.url ?? "",
        headers,
        raw,
        text,
        body: parseJson(text),
        receivedAt: Date.now(),
      };
      let status: number;
      try {
        status = current(seen, requests);
      } catch {
        status = 500;
      }
      requests.push({ ...seen, answeredWith: status });
      outgoing.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      outgoing.end(status >= 200 && status < 300 ? "received" : "failing on purpose (openwop-conformance)");
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };
  context.defer(close);

  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    answer(next) {
      current = next;
    },
    waitFor(match, { count = 1, timeoutMs, what }) {
      const bound = context.scaled(timeoutMs);
      return new Promise((resolve, reject) => {
        const check = () => {
          const matching = requests.filter(match);
          if (matching.length >= count) {
            finish();
            resolve(matching);
            return true;
          }
          return false;
        };
        const fail = (why: string) => {
          finish();
          const arrived = requests.map((request) => ({
            method: request.method,
            eventType: request.headers["x-openwop-event-type"],
            runId: runIdOf(request),
            answeredWith: request.answeredWith,
          }));
          // Thrown through the assertion counter, so the runner reports it as a failure.
          try {
            context.assert.fail(`${what}: ${why}; the receiver got ${requests.length} request(s): ${show(arrived)}`);
          } catch (error) {
            reject(error);
          }
        };
        const onAbort = () => fail("the scenario ran out of time");
        const timer = setTimeout(() => fail(`not within ${bound} ms`), bound);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          context.signal.removeEventListener("abort", onAbort);
        };
        const wake = () => void check();
        if (check()) return;
        waiters.add(wake);
        context.signal.addEventListener("abort", onAbort, { once: true });
      });
    },
    close,
  };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
