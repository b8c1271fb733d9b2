import type { Sink } from "./output.js";

/**
 * One line that shows where a long-running command is. On a terminal it is redrawn in place
 * (carriage return, erase line); anywhere else each update is a line of its own, so logs and
 * pipes keep the history and no control characters reach them.
 */
export class LiveLine {
  readonly #sink: Sink;
  readonly #live: boolean;
  #shown = false;
  #last = "";

  constructor(sink: Sink, live = sink.isTTY === true) {
    this.#sink = sink;
    this.#live = live;
  }

  /** Shows `text` as the current state; a repeat of the last text writes nothing. */
  update(text: string): void {
    if (text === this.#last) return;
    this.#last = text;
    if (this.#live) {
      this.#sink.write(`\r\u001b[2K${text}`);
      this.#shown = true;
    } else {
      this.#sink.write(`${text}\n`);
    }
  }

  /** Ends the line so what follows starts on its own; `text` replaces the last state. */
  done(text?: string): void {
    if (text !== undefined) this.update(text);
    if (this.#live && this.#shown) this.#sink.write("\n");
    this.#shown = false;
  }
}
