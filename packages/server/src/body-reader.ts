import type { Context, MiddlewareHandler } from "hono";
import { ProtocolError } from "@openwop/core";
import type { AppEnv } from "./context.js";
import { sendError } from "./envelope.js";

/**
 * The client went away while its request body was arriving. Nothing is wrong with the host:
 * the request log records it at info as `http.aborted`, never as an internal error.
 */
export class ClientAbortedError extends Error {
  override readonly name = "ClientAbortedError";
  constructor(readonly bytesReceived: number) {
    super(`the client closed the connection after sending ${bytesReceived} bytes of the body`);
  }
}

const tooLarge = (maxBytes: number): ProtocolError =>
  new ProtocolError(
    "validation_error",
    `request bodies are limited to ${maxBytes} bytes`,
    { field: "body", maxBytes },
    413,
  );

// The rest of an oversize body is never read, so the connection cannot be reused. The
// adapter still discards a bounded amount of what the client is sending before it closes,
// so the client reads the 413 rather than a reset.
const CLOSE = { Connection: "close" } as const;

/**
 * Refuses a declared `Content-Length` over `maxBytes` before anything else happens
 * (spec/v1/core.md §2.2: before parsing, and before authentication spends a lookup on it).
 */
export function refuseDeclaredOversize(maxBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && !c.req.header("transfer-encoding") && Number(declared) > maxBytes) {
      return sendError(c, tooLarge(maxBytes), CLOSE);
    }
    return next();
  };
}

/**
 * The request body's bytes, read when a handler needs them (after authentication) and
 * bounded: a chunked body is refused with 413 as soon as it passes `maxBytes`. A connection
 * that fails mid-body is a {@link ClientAbortedError}.
 */
export async function readBodyBytes(c: Context<AppEnv>, maxBytes: number): Promise<Uint8Array> {
  const stream = c.req.raw.body;
  if (stream === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = stream.getReader();
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      // A request body stream fails only when its connection does.
      throw new ClientAbortedError(received);
    }
    if (chunk.done) break;
    received += chunk.value.byteLength;
    // Kept as it grows: the request log may see the connection close before this read fails.
    c.set("bytesReceived", received);
    if (received > maxBytes) {
      void reader.cancel().catch(() => undefined);
      for (const [name, value] of Object.entries(CLOSE)) c.header(name, value);
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk.value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}
