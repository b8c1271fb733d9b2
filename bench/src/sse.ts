import { createParser } from "eventsource-parser";

/**
 * Server-Sent Events frames from text as it arrives, parsed by eventsource-parser (the parser
 * `@openwop/client` reads streams with). Feed each chunk the moment it is read and get back
 * the frames it completed, in order, so a frame is stamped in the same turn as the chunk that
 * ended it: nothing is buffered beyond what the format itself needs. Comments are skipped.
 */

export interface SseFrame {
  id: string | undefined;
  /** The `event:` field, `message` when the frame has none (as an EventSource reports it). */
  event: string;
  data: string;
}

export class SseParser {
  #completed: SseFrame[] = [];
  readonly #parser = createParser({
    onEvent: (message) =>
      this.#completed.push({ id: message.id, event: message.event ?? "message", data: message.data }),
  });

  /** Consumes `chunk` and returns the frames it completed, in order. */
  push(chunk: string): SseFrame[] {
    this.#parser.feed(chunk);
    if (this.#completed.length === 0) return [];
    const frames = this.#completed;
    this.#completed = [];
    return frames;
  }
}
