import type { Logger } from "pino";
import { createLogger } from "../observability/logger.js";

/** One parsed log line. */
export type LogRecord = Record<string, unknown>;

/** A logger writing into memory, for tests that read what a host logged. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger;

  constructor(level = "debug") {
    this.logger = createLogger({
      level,
      destination: {
        write: (chunk: string) => {
          for (const line of chunk.split("\n")) if (line.length > 0) this.lines.push(line);
        },
      },
    });
  }

  /** Every line parsed; a line that is not one JSON object fails the test that reads it. */
  records(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }

  withEvent(event: string): LogRecord[] {
    return this.records().filter((record) => record["event"] === event);
  }

  /** The run.terminal records of one run. */
  terminal(runId: string): LogRecord[] {
    return this.withEvent("run.terminal").filter((record) => record["runId"] === runId);
  }

  /** Resolves once `predicate` holds for some record (a terminal record lands just after the commit a poll may see first). */
  async waitFor(predicate: (record: LogRecord) => boolean, timeoutMs = 5_000): Promise<LogRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records().find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching log record within ${timeoutMs} ms; lines:\n${this.lines.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
