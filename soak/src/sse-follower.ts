import { createParser } from "eventsource-parser";
import { sleep } from "./http.js";

const TERMINAL = new Set(["run.completed", "run.failed", "run.cancelled"]);

/**
 * Follows one run's SSE stream to its terminal event across kills: when the connection
 * breaks, it reconnects to whichever host is up with `Last-Event-ID` set to the last
 * sequence it saw, and checks that every frame is the one after the previous.
 */
export class SseFollower {
  readonly frames: Array<{ sequence: number; type: string }> = [];
  readonly violations: string[] = [];
  resumes = 0;
  finished = false;
  readonly done: Promise<void>;
  #stopped = false;
  #controller: AbortController | undefined;

  constructor(
    readonly runId: string,
    private readonly url: () => string | undefined,
    private readonly apiKey: string,
  ) {
    this.done = this.#follow();
  }

  /** Gives up (the run never ended within the soak's patience). */
  stop(): void {
    this.#stopped = true;
    this.#controller?.abort();
  }

  get lastSequence(): number {
    return this.frames.at(-1)?.sequence ?? -1;
  }

  async #follow(): Promise<void> {
    let attempts = 0;
    while (!this.finished && !this.#stopped) {
      const base = this.url();
      if (base !== undefined) {
        if (attempts > 0) this.resumes += 1;
        attempts += 1;
        await this.#readOnce(base).catch(() => undefined);
      }
      if (!this.finished && !this.#stopped) await sleep(100);
    }
  }

  async #readOnce(base: string): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    const headers: Record<string, string> = { accept: "text/event-stream", authorization: `Bearer ${this.apiKey}` };
    if (this.frames.length > 0) headers["last-event-id"] = String(this.lastSequence);
    const response = await fetch(`${base}/v1/runs/${this.runId}/events?streamMode=debug`, {
      headers,
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      return;
    }
    const parser = createParser({
      onEvent: (message) => {
        const sequence = Number(message.id);
        const type = message.event ?? "message";
        if (sequence !== this.lastSequence + 1)
          this.violations.push(`SSE of run ${this.runId}: frame ${String(message.id)} after ${this.lastSequence}`);
        this.frames.push({ sequence, type });
        if (TERMINAL.has(type)) {
          this.finished = true;
          controller.abort();
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
  }
}
