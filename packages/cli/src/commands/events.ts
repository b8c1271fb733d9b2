import type { FeedEntry } from "@openwop/types";
import type { Command } from "commander";
import { withExample } from "../help.js";
import { LiveLine } from "../live-line.js";
import { collectList, integerIn } from "../option-values.js";
import type { Output } from "../output.js";
import { sessionFor, type CliIo } from "../session.js";

interface TailOptions {
  readonly after?: string;
  readonly follow?: boolean;
  readonly type?: readonly string[];
  readonly limit?: number;
}

/** `openwop events tail`: the tenant event feed of durable hosts (webhooks.md §15); needs runs:read. */
export function registerEvents(program: Command, io: CliIo): void {
  const events = program.command("events").description("read the tenant's event feed");
  withExample(events, "openwop events tail --follow");

  const tail = events
    .command("tail")
    .description(
      "print the feed from a cursor until caught up, or with --follow until Ctrl-C (GET /v1/events); --json prints {events, nextCursor}, or with --follow one entry per line",
    )
    .option(
      "--after <cursor>",
      "start after this cursor (a feed entry's, or a delivery's X-openwop-Cursor); else from the oldest kept event",
    )
    .option("--follow", "keep reading: long-poll for new events until Ctrl-C")
    .option("--type <types>", "only these event types (repeatable or comma-separated)", collectList)
    .option("--limit <n>", "page size, 1..1000", integerIn(1, 1000))
    .action(async (options: TailOptions, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const client = await session.client();
      const filters = {
        ...(options.type === undefined ? {} : { types: options.type }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      };
      const progress = new LiveLine(out.stderr);
      let cursor = options.after;
      let count = 0;

      if (options.follow) {
        out.note("following the event feed (Ctrl-C stops)");
        for await (const entry of client.events.feed({
          ...filters,
          ...(cursor === undefined ? {} : { after: cursor }),
          signal: io.signal,
        })) {
          cursor = entry.cursor;
          count++;
          if (out.json) out.printJsonLine(entry);
          else out.line(entryLine(out, entry));
          if (out.liveStderr) progress.update(`${count} events, at cursor ${cursor}`);
        }
        progress.done();
        if (cursor !== undefined) out.note(`stopped at cursor ${cursor}: openwop events tail --after ${cursor}`);
        return;
      }

      const collected: FeedEntry[] = [];
      let nextCursor: string | null = cursor ?? null;
      for (;;) {
        const page = await client.events.page({
          ...filters,
          ...(cursor === undefined ? {} : { after: cursor }),
          wait: 0,
        });
        nextCursor = page.nextCursor ?? nextCursor;
        for (const entry of page.events) {
          collected.push(entry);
          if (!out.json) out.line(entryLine(out, entry));
        }
        progress.update(`read ${collected.length} event${collected.length === 1 ? "" : "s"}…`);
        if (page.events.length === 0 || page.nextCursor === null || page.nextCursor === cursor || io.signal.aborted)
          break;
        cursor = page.nextCursor;
      }
      progress.done(`read ${collected.length} event${collected.length === 1 ? "" : "s"}, caught up`);
      if (out.json) out.printJson({ events: collected, nextCursor });
      if (nextCursor !== null) out.note(`next: openwop events tail --after ${nextCursor}`);
    });
  withExample(tail, "openwop events tail --after $CURSOR --type run.completed", "openwop events tail --follow --json");
}

function entryLine(out: Output, entry: FeedEntry): string {
  const { event } = entry;
  return [
    entry.cursor,
    event.timestamp,
    event.runId,
    String(event.sequence),
    out.paint("cyan", event.type),
    event.nodeId ?? "",
  ]
    .join("  ")
    .trimEnd();
}
