import { type ClientRequest, type IncomingMessage, request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { pinnedLookup, type ReceiverAgents } from "./receiver-agents.js";
import {
  checkWebhookUrl,
  hostOf,
  resolveWebhookAddresses,
  type WebhookAddress,
  type WebhookLookup,
  type WebhookUrlPolicy,
  WebhookUrlRejectedError,
} from "./url-safety.js";

/** webhooks.md §7, §8.1, §13.2: a receiver has 5 seconds to answer. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
/** How much of an answer is read before the connection is dropped. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** webhooks.md §13.2: an attempt records at most the first 1 KiB of the answer. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** One delivery attempt: the signed request of webhooks.md §5–§6, ready to send. */
export interface WebhookPostRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  /** Covers resolving, connecting and the answer's status; default 5000. */
  readonly timeoutMs?: number;
  /** Bytes of the answer read at most; default 64 KiB. */
  readonly maxResponseBytes?: number;
}

export interface WebhookPostOptions {
  /** Resolver, for tests; default `dns.promises.lookup` with `{all: true, verbatim: true}`. */
  readonly lookup?: WebhookLookup;
  /** Certificate authorities to trust instead of Node's bundle (a private PKI, or tests). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Keep-alive connections to reuse; without them every attempt opens and closes its own. */
  readonly agents?: ReceiverAgents;
}

/** What an attempt came to, in the shape of an attempt record (webhooks.md §13.2). */
export interface WebhookPostResult {
  /** A `2xx` was received in time. */
  readonly delivered: boolean;
  readonly statusCode: number | null;
  /** The IP address connected to, when a connection was made. */
  readonly address: string | null;
  readonly latencyMs: number;
  /** A short human reason when not delivered; never the secret, a header or the body. */
  readonly error: string | null;
  /** The first 1 KiB of the answer as UTF-8 text, when there was an answer. */
  readonly responseExcerpt: string | null;
}

/** Request headers Node must compute itself; a caller's value for them is dropped. */
const COMPUTED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection"]);

/**
 * Makes one delivery attempt and never throws. At every call the URL is checked again
 * (webhooks.md §4.1) and its host resolved and validated (§4.2); the connection is then
 * pinned to the validated addresses through the socket's `lookup`, so a second, different DNS
 * answer cannot redirect it, while TLS still checks the certificate against the URL's host
 * (SNI `servername`). Redirects are not followed: a `3xx` is a failed attempt. The timeout
 * covers resolving, connecting and receiving the answer's status; the body is then read up to
 * `maxResponseBytes` (or until the time is up) and the connection dropped. A `2xx` delivers
 * whatever its body.
 */
export async function postWebhook(
  request: WebhookPostRequest,
  policy: WebhookUrlPolicy,
  options: WebhookPostOptions = {},
): Promise<WebhookPostResult> {
  const started = performance.now();
  const timeoutMs = positiveOr(request.timeoutMs, DEFAULT_WEBHOOK_TIMEOUT_MS);
  const deadline = started + timeoutMs;
  const failed = (error: string): WebhookPostResult => ({
    delivered: false,
    statusCode: null,
    address: null,
    latencyMs: since(started),
    error,
    responseExcerpt: null,
  });
  try {
    let url: URL;
    let addresses: WebhookAddress[];
    try {
      url = checkWebhookUrl(request.url, policy);
      addresses = await beforeDeadline(resolveWebhookAddresses(url, policy, options.lookup), deadline);
    } catch (error) {
      if (error === DEADLINE) return failed(`timed out after ${timeoutMs} ms`);
      if (error instanceof WebhookUrlRejectedError) return failed(`refused: ${error.message}`);
      return failed("the URL could not be checked");
    }
    return await send(url, addresses, request, options, { started, deadline, timeoutMs });
  } catch {
    return failed("request failed");
  }
}

interface Clock {
  readonly started: number;
  readonly deadline: number;
  readonly timeoutMs: number;
}

function send(
  url: URL,
  addresses: readonly WebhookAddress[],
  request: WebhookPostRequest,
  options: WebhookPostOptions,
  clock: Clock,
): Promise<WebhookPostResult> {
  const cap = Math.max(0, Math.floor(request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES));
  const body = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : Buffer.from(request.body);

  return new Promise((resolve) => {
    let settled = false;
    let address: string | null = null;
    let statusCode: number | null = null;
    let received = 0;
    const excerpt: Buffer[] = [];
    let excerptBytes = 0;
    let outgoing: ClientRequest | undefined;

    // An answer read to its end leaves the connection reusable; anything cut short closes it.
    let answered = false;
    const finish = (errorWithoutAnswer: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!answered) outgoing?.destroy();
      resolve({
        delivered: statusCode !== null && statusCode >= 200 && statusCode < 300,
        statusCode,
        address,
        latencyMs: since(clock.started),
        error: statusCode === null ? errorWithoutAnswer : statusError(statusCode),
        responseExcerpt: statusCode === null ? null : excerptText(Buffer.concat(excerpt)),
      });
    };
    const timer = setTimeout(
      () => finish(`timed out after ${clock.timeoutMs} ms`),
      Math.max(0, clock.deadline - performance.now()),
    );

    const onResponse = (response: IncomingMessage) => {
      statusCode = response.statusCode ?? 0;
      address = response.socket?.remoteAddress ?? address;
      if ((statusCode >= 300 && statusCode < 400) || received >= cap) return finish("");
      response.on("data", (chunk: Buffer) => {
        const taken = chunk.subarray(0, cap - received);
        received += taken.length;
        if (excerptBytes < RESPONSE_EXCERPT_BYTES) {
          const kept = taken.subarray(0, RESPONSE_EXCERPT_BYTES - excerptBytes);
          excerpt.push(kept);
          excerptBytes += kept.length;
        }
        if (received >= cap) finish("");
      });
      response.on("end", () => {
        answered = true;
        finish("");
      });
      response.on("error", () => finish(""));
      response.on("close", () => finish(""));
    };

    try {
      const host = hostOf(url);
      const isHttps = url.protocol === "https:";
      const port = url.port === "" ? (isHttps ? 443 : 80) : Number(url.port);
      // A private trust store is per request, so its connections are never pooled with others.
      const pooled = options.agents !== undefined && options.ca === undefined;
      const requestOptions: RequestOptions = {
        method: "POST",
        host,
        port,
        path: `${url.pathname}${url.search}`,
        headers: outgoingHeaders(request.headers, body.length),
        agent: pooled ? options.agents?.agentFor(url, host, port, addresses) : false,
        lookup: pinnedLookup(addresses),
      };
      if (isHttps) {
        // SNI and the certificate check use the URL's name, not the pinned address.
        if (isIP(host) === 0) requestOptions.servername = host.replace(/\.+$/, "");
        if (options.ca !== undefined) requestOptions.ca = options.ca as string | Buffer | (string | Buffer)[];
      }
      outgoing = (isHttps ? httpsRequest : httpRequest)(requestOptions, onResponse);
      outgoing.on("socket", (socket: Socket) => {
        // A pooled keep-alive socket is already connected and is handed to many requests: a
        // listener per request would pile up on it, so only a connecting socket gets one.
        if (socket.connecting) {
          socket.once("connect", () => {
            address = socket.remoteAddress ?? address;
          });
        } else address = socket.remoteAddress ?? address;
      });
      outgoing.on("error", (error) => finish(errorText(error)));
      outgoing.end(body);
    } catch (error) {
      finish(errorText(error));
    }
  });
}

function outgoingHeaders(headers: Readonly<Record<string, string>>, length: number): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!COMPUTED_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  out["content-length"] = String(length);
  return out;
}

function statusError(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return "redirect not followed";
  return `${status} from the receiver`;
}

/** The kept bytes as text, without a character cut in half at the end. */
function excerptText(bytes: Buffer): string {
  return new TextDecoder("utf-8").decode(bytes, { stream: true });
}

const TLS_CERT_CODES = /^(ERR_TLS_CERT_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** A short reason built from the error's code only: Node's messages may echo hosts and headers. */
function errorText(error: unknown): string {
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const raw = (inner as { code?: unknown } | null)?.code ?? (error as { code?: unknown } | null)?.code;
  const code = typeof raw === "string" && /^[A-Z0-9_]+$/.test(raw) ? raw : "";
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
    case "EPIPE":
      return "connection reset";
    case "ETIMEDOUT":
      return "connection timed out";
    case "ENETUNREACH":
    case "EHOSTUNREACH":
    case "EADDRNOTAVAIL":
      return "address unreachable";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name did not resolve";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "TLS certificate does not match the host name";
    case "ERR_INVALID_CHAR":
    case "ERR_INVALID_HTTP_TOKEN":
    case "ERR_HTTP_INVALID_HEADER_VALUE":
      return "invalid request header";
  }
  if (TLS_CERT_CODES.test(code)) return `TLS certificate refused (${code})`;
  if (code.startsWith("HPE_")) return "malformed answer";
  return code === "" ? "request failed" : `request failed (${code})`;
}

const DEADLINE = Symbol("deadline");

/** The promise's outcome, or a rejection with `DEADLINE` once `deadline` has passed. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(DEADLINE), Math.max(0, deadline - performance.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
