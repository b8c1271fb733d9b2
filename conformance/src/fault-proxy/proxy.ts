import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { isTerminalEventType } from "@openwop/types";
import { rewriteJsonBody } from "./json-faults.js";
import { junkVerdict, laxAnswer, laxVerdict, type JunkVerdict, type SeenRequest } from "./junk-requests.js";
import { SseRewriter, type RawFrame } from "./sse-rewriter.js";
import type { FaultSwitch } from "./switches.js";

/**
 * A load-shedding layer the proxy can put in front of a host that has none, so the
 * backpressure scenario (and the fault that breaks its Retry-After) can be exercised
 * against the in-memory host. It behaves as production-profile.md §3.2 asks: it counts
 * requests in flight (open streams included), refuses the one that would exceed the cap
 * with a correct 503, exempts discovery and the OpenAPI document, and advertises itself in
 * the discovery document it relays.
 */
export interface SyntheticBackpressure {
  readonly inflightCap: number;
  readonly retryAfterSeconds: number;
}

export interface FaultProxyOptions {
  /** Origin of the correct host behind the proxy. */
  readonly target: string;
  readonly fault?: FaultSwitch;
  readonly backpressure?: SyntheticBackpressure;
}

export interface FaultProxy {
  readonly url: string;
  close(): Promise<void>;
}

const EXEMPT = new Set(["/.well-known/openwop", "/v1/openapi.json"]);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const fault = options.fault;
  let inFlight = 0;

  const server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? "/";
    const bare = path.split("?")[0] ?? "/";
    const counted = options.backpressure !== undefined && !EXEMPT.has(bare);
    if (counted && options.backpressure !== undefined && inFlight >= options.backpressure.inflightCap) {
      refuse(outgoing, options.backpressure.retryAfterSeconds, fault);
      return;
    }
    if (counted) {
      inFlight += 1;
      outgoing.once("close", () => (inFlight -= 1));
    }
    const forward = (seen: SeenRequest | undefined) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path,
          // The proxy rewrites bodies, so it must see them uncompressed.
          headers: { ...incoming.headers, host: target.host, "accept-encoding": "identity" },
        },
        (response) => {
          const lax = seen === undefined ? undefined : laxVerdict(response.statusCode ?? 0, junkVerdict(seen));
          if (seen !== undefined && lax !== undefined) answerLax(response, outgoing, seen, lax);
          else relay(response, outgoing, path, fault, options.backpressure);
        },
      );
      upstream.on("error", (error) => {
        // The host may close a connection once it has refused an oversized body: the answer already went out.
        if (outgoing.writableEnded) return;
        if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "application/json" });
        outgoing.end(
          JSON.stringify({
            error: "internal_error",
            message: `fault proxy: ${error.message}`,
            details: { correlationId: "fault-proxy" },
          }),
        );
      });
      // A client that hangs up (an aborted stream) must release the host's stream too.
      outgoing.once("close", () => upstream.destroy());
      return upstream;
    };
    // The body is read whole before it is forwarded in one write: the lax host of junk-accepted
    // judges a request by its body, and a host that refuses an oversized body and closes the
    // connection at once would otherwise break a streamed forward (EPIPE) before its 413 is read.
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const seen = { method: incoming.method ?? "GET", url: path, headers: incoming.headers, body };
      forward(fault === "junk-accepted" ? seen : undefined).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function refuse(outgoing: ServerResponse, retryAfterSeconds: number, fault: FaultSwitch | undefined): void {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (fault !== "retry-after-missing") headers["retry-after"] = String(retryAfterSeconds);
  const body: Record<string, unknown> = {
    error: "service_unavailable",
    message: "The host is at capacity; retry later.",
    details: { retryAfter: retryAfterSeconds },
  };
  if (fault === "envelope-extra-key") body.correlationId = "fault-proxy";
  outgoing.writeHead(503, headers);
  outgoing.end(JSON.stringify(body));
}

/** Replaces the host's refusal of a request the lax host would not have refused with the lax host's answer. */
function answerLax(response: IncomingMessage, outgoing: ServerResponse, seen: SeenRequest, verdict: JunkVerdict): void {
  response.resume();
  const { status, body } = laxAnswer(seen, verdict);
  const text = JSON.stringify(body);
  outgoing.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  outgoing.end(text);
}

function responseHeaders(
  response: IncomingMessage,
  fault: FaultSwitch | undefined,
): { status: number; headers: IncomingHttpHeaders } {
  const headers = { ...response.headers };
  let status = response.statusCode ?? 502;
  if (fault === "retry-after-missing" && status === 503) delete headers["retry-after"];
  if (fault === "replay-header-missing") delete headers["openwop-idempotent-replay"];
  if (fault === "unauthenticated-as-forbidden" && status === 401) {
    status = 403;
    delete headers["www-authenticate"];
  }
  return { status, headers };
}

function relay(
  response: IncomingMessage,
  outgoing: ServerResponse,
  path: string,
  fault: FaultSwitch | undefined,
  backpressure: SyntheticBackpressure | undefined,
): void {
  const { status, headers } = responseHeaders(response, fault);
  const contentType = String(headers["content-type"] ?? "");
  const bare = path.split("?")[0] ?? "/";

  if (contentType.startsWith("text/event-stream")) {
    outgoing.writeHead(status, headers);
    outgoing.flushHeaders();
    const stream = fault === undefined ? response : response.pipe(new SseRewriter(frameFault(fault)));
    stream.pipe(outgoing, { end: fault !== "sse-never-closes" });
    if (fault === "sse-never-closes") {
      // The host closed the stream; keep the client waiting as a broken host would.
      stream.once("end", () => {
        const keepAlive = setInterval(() => outgoing.write(": keepalive\n\n"), 1_000);
        outgoing.once("close", () => clearInterval(keepAlive));
      });
    }
    return;
  }

  const rewritesJson =
    contentType.startsWith("application/json") &&
    (fault !== undefined || (backpressure !== undefined && bare === "/.well-known/openwop"));
  if (!rewritesJson) {
    outgoing.writeHead(status, headers);
    response.pipe(outgoing);
    return;
  }
  const chunks: Buffer[] = [];
  response.on("data", (chunk: Buffer) => chunks.push(chunk));
  response.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    let rewritten =
      body === undefined || fault === undefined
        ? undefined
        : rewriteJsonBody(fault, response.statusCode ?? 0, path, body);
    if (
      backpressure !== undefined &&
      bare === "/.well-known/openwop" &&
      status === 200 &&
      typeof body === "object" &&
      body !== null
    ) {
      rewritten = {
        ...(rewritten ?? body),
        production: { supported: true, backpressure: { supported: true, ...backpressure } },
      };
    }
    const out = rewritten === undefined ? text : JSON.stringify(rewritten);
    headers["content-length"] = String(Buffer.byteLength(out));
    outgoing.writeHead(status, headers);
    outgoing.end(out);
  });
}

/** The per-frame half of the stream faults. */
function frameFault(fault: FaultSwitch): (frame: RawFrame) => readonly string[] {
  if (fault === "duplicate-terminal") {
    return (frame) =>
      frame.event !== undefined && isTerminalEventType(frame.event) ? [frame.text, frame.text] : [frame.text];
  }
  if (fault === "sequence-gap") return (frame) => (frame.id === "1" ? [] : [frame.text]);
  return (frame) => [frame.text];
}
