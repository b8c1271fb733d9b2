import { createParser, type EventSourceMessage } from "eventsource-parser";

/** One server-sent event as it came off the wire; `data` is left as text for the caller to judge. */
export interface SseFrame {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** What else {@link readSseFrames} reports while it reads. */
export interface ReadSseFramesOptions {
  /**
   * Called with the text of each comment line, in stream order, as the chunk that completes
   * it is parsed: `keepalive` for the keep-alive line `: keepalive`.
   */
  readonly onComment?: (comment: string) => void;
}

/**
 * Turns a byte stream into SSE frames. Iteration ends when the server closes the body;
 * breaking out of the loop cancels the body so the connection is released. Comments are
 * not frames; pass `onComment` to see them.
 *
 * @example
 * for await (const frame of readSseFrames(response.body)) console.log(frame.event);
 */
export async function* readSseFrames(
  body: ReadableStream<Uint8Array>,
  options: ReadSseFramesOptions = {},
): AsyncGenerator<SseFrame, void, undefined> {
  const pending: SseFrame[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      pending.push({ id: message.id, event: message.event, data: message.data }),
    onComment: options.onComment,
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        // The SSE spec discards an event the stream ended before its blank line; so do we,
        // so a host that never terminates its last frame is seen as losing it.
        parser.feed(decoder.decode());
        finished = true;
      } else {
        parser.feed(decoder.decode(value, { stream: true }));
      }
      while (pending.length > 0) yield pending.shift() as SseFrame;
      if (finished) return;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Parses a frame's `data` as JSON, or returns `undefined` when it is not JSON. */
export function parseFrameData(frame: SseFrame): unknown {
  try {
    return JSON.parse(frame.data) as unknown;
  } catch {
    return undefined;
  }
}
