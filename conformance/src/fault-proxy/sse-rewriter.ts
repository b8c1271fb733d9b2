import { Transform, type TransformCallback } from "node:stream";

/** One SSE frame as text lines, with the fields the faults look at pulled out. */
export interface RawFrame {
  readonly text: string;
  readonly id: string | undefined;
  readonly event: string | undefined;
}

function parseFrame(text: string): RawFrame {
  let id: string | undefined;
  let event: string | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("id:")) id = line.slice(3).trim();
    else if (line.startsWith("event:")) event = line.slice(6).trim();
  }
  return { text, id, event };
}

/**
 * Splits an SSE byte stream into blocks (frames and comments, each ended by a blank line)
 * and lets `rewrite` replace each block with zero or more blocks. Line endings are
 * normalised to `\n`, which every SSE parser accepts.
 */
export class SseRewriter extends Transform {
  private buffered = "";

  constructor(private readonly rewrite: (frame: RawFrame) => readonly string[]) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered += chunk.toString("utf8").replace(/\r\n?/g, "\n");
    let end = this.buffered.indexOf("\n\n");
    while (end !== -1) {
      const block = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      for (const out of this.rewrite(parseFrame(block))) this.push(`${out}\n\n`);
      end = this.buffered.indexOf("\n\n");
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.buffered.length > 0) this.push(this.buffered);
    callback();
  }
}
