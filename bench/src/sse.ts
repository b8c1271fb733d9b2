/**
 * An incremental Server-Sent Events parser: feed it text as it arrives, get whole frames
 * back. It handles the parts of the format an OpenWOP host uses (`id`, `event`, multi-line
 * `data`, comments, CRLF or LF line ends), and nothing is emitted before the blank line
 * that ends a frame.
 */

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

export class SseParser {
  #buffer = "";
  #id: string | undefined;
  #event = "";
  #data: string[] = [];
  #hasField = false;

  /** Consumes `chunk` and returns the frames it completed, in order. */
  push(chunk: string): SseFrame[] {
    this.#buffer += chunk;
    const frames: SseFrame[] = [];
    for (;;) {
      const newline = this.#buffer.search(/\r\n|\r|\n/);
      if (newline < 0) break;
      // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
      if (this.#buffer[newline] === "\r" && newline === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, newline);
      const width = this.#buffer.startsWith("\r\n", newline) ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + width);
      const frame = this.#line(line);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  #line(line: string): SseFrame | undefined {
    if (line === "") {
      if (!this.#hasField) return undefined;
      const frame: SseFrame = { id: this.#id, event: this.#event || "message", data: this.#data.join("\n") };
      this.#event = "";
      this.#data = [];
      this.#hasField = false;
      return frame;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "id":
        this.#id = value;
        break;
      case "event":
        this.#event = value;
        break;
      case "data":
        this.#data.push(value);
        break;
      default:
        return undefined;
    }
    this.#hasField = true;
    return undefined;
  }
}
