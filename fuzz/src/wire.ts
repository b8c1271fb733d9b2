import { connect, type Socket } from "node:net";

/**
 * HTTP/1.1 spoken by hand over `node:net`. Node's own client refuses to send most of what a
 * fuzzer wants to send (control characters in headers, raw bytes in the target, unknown
 * methods, conflicting framing), so every fuzzed request goes through these bytes instead.
 */

/** One request as the fuzzer means it; serialized byte for byte by {@link serializeRequest}. */
export interface WireRequest {
  method: string;
  /** The request-target exactly as sent: already percent-encoded where meant to be. */
  target: string;
  /** Sent in this order, duplicates included; names and values are written as UTF-8. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
  /** Send the body chunked (`Transfer-Encoding: chunked`) in pieces of this size, instead of with a Content-Length. */
  chunkSize?: number;
}

/** One response read off the socket. */
export interface WireResponse {
  status: number;
  /** Lower-cased names; repeated headers joined by ", " like fetch's `Headers`. */
  headers: Map<string, string>;
  body: Buffer;
  /** An event stream: the head was read, the endless body deliberately not. */
  stream: boolean;
  /** Framed by the connection's end (no length, not chunked): complete only once the peer closed. */
  closeDelimited?: boolean;
}

/** Everything one exchange on one connection produced. */
export interface WireOutcome {
  responses: WireResponse[];
  /** How the connection ended: the peer closed it, reset it, we stopped after what we wanted, or nothing came in time. */
  ending: "closed" | "reset" | "done" | "timeout";
  /** Bytes after the last complete response that did not parse as one (a malformed answer). */
  garbage?: string;
}

export interface ExchangeOptions {
  host: string;
  port: number;
  /** Write chunks one by one, each in its own event-loop turn (to split framing across packets). */
  chunks: readonly Buffer[];
  /** Methods of the requests in order, so HEAD answers are read without a body. */
  methods: readonly string[];
  /** Stop as soon as this many responses are complete. */
  expectResponses: number;
  /** Half-close after writing, so a server waiting for more bytes sees the end of them. */
  halfClose: boolean;
  timeoutMs: number;
}

let requestsSent = 0;

/** How many requests (HTTP exchanges, raw cases and probes alike) went over the wire in this process. */
export function wireRequestCount(): number {
  return requestsSent;
}

export function serializeRequest(request: WireRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const { body, chunkSize } = request;
  if (body !== undefined)
    lines.push(chunkSize === undefined ? `content-length: ${body.length}` : "transfer-encoding: chunked");
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8");
  if (body === undefined) return head;
  if (chunkSize === undefined) return Buffer.concat([head, body]);
  const parts: Buffer[] = [head];
  for (let start = 0; start < body.length; start += chunkSize) {
    const piece = body.subarray(start, start + chunkSize);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
}

/** Sends one request on a fresh connection and reads one response. */
export function send(host: string, port: number, request: WireRequest, timeoutMs: number): Promise<WireOutcome> {
  return exchange({
    host,
    port,
    chunks: [serializeRequest(request)],
    methods: [request.method],
    expectResponses: 1,
    halfClose: false,
    timeoutMs,
  });
}

/** Writes the chunks on one fresh connection and collects the responses until done, closed or timed out. */
export function exchange(options: ExchangeOptions): Promise<WireOutcome> {
  requestsSent += Math.max(1, options.methods.length);
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: options.host, port: options.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (ending: WireOutcome["ending"]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponses(received, options.methods);
      resolve({
        responses: parsed.responses,
        ending,
        ...(parsed.rest.length > 0 && ending !== "done" ? { garbage: preview(parsed.rest) } : {}),
      });
    };
    const timer = setTimeout(() => finish("timeout"), options.timeoutMs);
    socket.on("data", (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const parsed = parseResponses(received, options.methods);
      const complete = parsed.responses.filter((response) => response.closeDelimited !== true);
      if (complete.length >= options.expectResponses || complete.at(-1)?.stream === true) finish("done");
    });
    socket.on("end", () => finish("closed"));
    socket.on("close", () => finish("closed"));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset after the server already answered (it refused the rest of an upload) still answered.
      finish(error.code === "ECONNRESET" || error.code === "EPIPE" ? "reset" : "closed");
    });
    socket.once("connect", () => {
      void (async () => {
        for (const chunk of options.chunks) {
          if (settled || socket.destroyed) return;
          socket.write(chunk);
          if (options.chunks.length > 1) await new Promise((r) => setImmediate(r));
        }
        if (options.halfClose && !socket.destroyed) socket.end();
      })();
    });
  });
}

/** A short printable view of bytes, for messages. */
export function preview(bytes: Buffer, max = 300): string {
  const text = bytes.subarray(0, max).toString("latin1");
  return JSON.stringify(text) + (bytes.length > max ? `… (${bytes.length} bytes)` : "");
}

interface Parsed {
  responses: WireResponse[];
  rest: Buffer;
}

const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * Parses as many complete responses as the bytes hold. Incomplete trailing bytes are left in
 * `rest`; a response framed by the connection's end is complete only when the caller says
 * the connection ended, which this parser approximates by leaving it in `rest`.
 */
export function parseResponses(bytes: Buffer, methods: readonly string[]): Parsed {
  const responses: WireResponse[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf(HEAD_END, offset);
    if (headEnd < 0) break;
    const head = bytes.subarray(offset, headEnd).toString("latin1").split("\r\n");
    const statusMatch = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(head[0] ?? "");
    if (!statusMatch) break;
    const status = Number(statusMatch[1]);
    const headers = new Map<string, string>();
    for (const line of head.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    const bodyStart = headEnd + HEAD_END.length;
    if (status >= 100 && status < 200) {
      // An interim answer (100 Continue): the real one follows.
      offset = bodyStart;
      continue;
    }
    const method = methods[responses.length] ?? "GET";
    if (method === "HEAD" || status === 204 || status === 304) {
      responses.push({ status, headers, body: Buffer.alloc(0), stream: false });
      offset = bodyStart;
      continue;
    }
    if (status === 200 && (headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      responses.push({ status, headers, body: Buffer.alloc(0), stream: true });
      offset = bytes.length;
      break;
    }
    if (/\bchunked\b/i.test(headers.get("transfer-encoding") ?? "")) {
      const chunks: Buffer[] = [];
      let cursor = bodyStart;
      let complete = false;
      for (;;) {
        const lineEnd = bytes.indexOf("\r\n", cursor);
        if (lineEnd < 0) break;
        const size = Number.parseInt(bytes.subarray(cursor, lineEnd).toString("latin1"), 16);
        if (!Number.isFinite(size)) break;
        if (size === 0) {
          const trailerEnd = bytes.indexOf(HEAD_END, lineEnd);
          const emptyTrailer = bytes.subarray(lineEnd, lineEnd + 4).equals(HEAD_END);
          if (emptyTrailer) {
            cursor = lineEnd + 4;
            complete = true;
          } else if (trailerEnd >= 0) {
            cursor = trailerEnd + 4;
            complete = true;
          }
          break;
        }
        if (bytes.length < lineEnd + 2 + size + 2) break;
        chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
        cursor = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      responses.push({ status, headers, body: Buffer.concat(chunks), stream: false });
      offset = cursor;
      continue;
    }
    const length = headers.get("content-length");
    if (length !== undefined) {
      const size = Number(length);
      if (!Number.isInteger(size) || bytes.length < bodyStart + size) break;
      responses.push({ status, headers, body: bytes.subarray(bodyStart, bodyStart + size), stream: false });
      offset = bodyStart + size;
      continue;
    }
    // Framed by the connection's end: take what there is; the exchange ends on close anyway.
    responses.push({ status, headers, body: bytes.subarray(bodyStart), stream: false, closeDelimited: true });
    offset = bytes.length;
  }
  return { responses, rest: bytes.subarray(offset) };
}
