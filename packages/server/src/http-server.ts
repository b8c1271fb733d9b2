import { STATUS_CODES, type IncomingMessage, type Server, type ServerOptions } from "node:http";
import type { Duplex } from "node:stream";
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
