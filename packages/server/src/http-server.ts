import { STATUS_CODES, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { RequestError } from "@hono/node-server";
import { ProtocolError, validationError } from "@openwop/core";
import { envelopeOf } from "./envelope.js";
import type { Logger } from "./observability/logger.js";
import type { HostSettings } from "./settings/host-settings.js";

/** Node's own header-section limit (16 KiB); named here so the 431 answer can say what it is. */
const MAX_HEADER_BYTES = 16_384;

/** The client left (reset, or closed mid-request) or stalled past a timeout: nobody reads an answer. */
const QUIET_CLOSES: ReadonlySet<string> = new Set(["ECONNRESET", "HPE_INVALID_EOF_STATE", "ERR_HTTP_REQUEST_TIMEOUT"]);

type TimeoutSettings = Pick<HostSettings, "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs">;

/**
 * The Node HTTP server options a host runs with: stalled clients are closed after the
 * settings' timeouts (Node's defaults hold a socket that stops mid-body for 300 s), checked
 * every second rather than Node's every 30 s, so "seconds, not minutes" holds.
 */
export function httpServerOptions(settings: TimeoutSettings): ServerOptions {
  return {
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    maxHeaderSize: MAX_HEADER_BYTES,
    // Node would answer a missing Host with a bare 400; the request listener's refusal carries the envelope.
    requireHostHeader: false,
  };
}

/**
 * Answers what never reaches the app with the canonical envelope instead of Node's bare
 * status line: requests Node's parser refuses (`clientError`: a bad request line, control
 * characters in a header, duplicate `Content-Length`, an oversize header section) and
 * `CONNECT`, which Node would close without a word. Timed-out and reset sockets are closed
 * quietly — nobody is reading.
 */
export function answerUnparsedRequests(server: Server, logger: Logger): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const code = error.code ?? "unknown";
    if (QUIET_CLOSES.has(code) || !socket.writable) {
      logger.debug({ event: "http.client_closed", code }, `closed a connection (${code})`);
      socket.destroy();
      return;
    }
    logger.info({ event: "http.client_error", code }, `refused a request Node could not parse (${code})`);
    // A response already on the wire (a pipelined request's parse error) cannot be followed by another.
    if ("bytesWritten" in socket && typeof socket.bytesWritten === "number" && socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const refusal =
      code === "HPE_HEADER_OVERFLOW"
        ? new ProtocolError(
            "validation_error",
            `request header sections are limited to ${MAX_HEADER_BYTES} bytes`,
            { field: "headers", reason: "headers_too_large", maxHeaderBytes: MAX_HEADER_BYTES },
            431,
          )
        : validationError("the request is not well-formed HTTP/1.1", { field: "request", reason: code });
    endWith(socket, refusal);
  });
  server.on("connect", (request: IncomingMessage, socket: Duplex) => {
    endWith(
      socket,
      new ProtocolError(
        "method_not_allowed",
        `CONNECT is not allowed on ${(request.url ?? "this host").slice(0, 200)}`,
      ),
    );
  });
}

/**
 * The answer for what `@hono/node-server` refuses before the app sees it — no `Host`, a host
 * it cannot parse, a backslash in the path, a `*` or malformed absolute-form target — which
 * it would otherwise send as a bare `400` with a plain-text body. Anything else reaching here
 * failed outside the app's own error handling and is logged as the internal error it is.
 */
export function answerRequestErrors(logger: Logger): (error: unknown) => Response {
  return (error) => {
    if (error instanceof RequestError) {
      logger.info({ event: "http.client_error", code: "request_target" }, `refused a request: ${error.message}`);
      return envelopeResponse(
        validationError(`the request target cannot be read: ${error.message}`, {
          field: "request",
          reason: "invalid_request_target",
        }),
      );
    }
    logger.error({ event: "http.internal_error", err: error }, "a request failed outside the app");
    return envelopeResponse(new ProtocolError("internal_error", "the host failed to handle this request"));
  };
}

/**
 * Serves requests whose `Expect` holds something other than `100-continue` instead of
 * letting Node send a bare `417`: RFC 9110 §10.1.1 lets a server ignore an expectation it
 * does not know, and no OpenWOP request needs one.
 */
export function ignoreUnknownExpectations(server: Server): void {
  server.on("checkExpectation", (request: IncomingMessage, response: ServerResponse) => {
    server.emit("request", request, response);
  });
}

function envelopeResponse(refusal: ProtocolError): Response {
  return new Response(JSON.stringify(envelopeOf(refusal)), {
    status: refusal.status,
    headers: { "Content-Type": "application/json" },
  });
}

/** Writes one complete response with the envelope and closes the connection. */
function endWith(socket: Duplex, refusal: ProtocolError): void {
  const body = JSON.stringify(envelopeOf(refusal));
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ""}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
