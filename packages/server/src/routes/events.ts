import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { toRunSnapshot } from "@openwop/core";
import type { JsonObject, RunEvent, RunRecord } from "@openwop/storage";
import { isTerminalEventType, isTerminalStatus } from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import { pathParam } from "./params.js";
import type { AppEnv, ServerContext } from "../context.js";
import { parseBoundedInteger, parseSequence } from "./cursor.js";
import { admittingMode, parseStreamMode, wantsSnapshot } from "./stream-mode.js";

const POLL_PAGE = 1000;

/** Waits for the run's first event at or after `fromSequence`, up to `timeoutMs`. */
function waitForEvent(
  ctx: ServerContext,
  tenantId: string,
  runId: string,
  fromSequence: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    const unsubscribe = ctx.engine.subscribe(tenantId, runId, fromSequence, finish, finish);
    signal.addEventListener("abort", finish, { once: true });
  });
}

export function registerEventRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/v1/runs/:runId/events/poll", authorize(ctx, "runs:read"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const runId = pathParam(c, "runId");
    const cursor =
      parseSequence(c.req.query("lastSequence"), "lastSequence") ?? parseSequence(c.req.query("since"), "since");
    // An integer of at least 1; above 60 is treated as 60 (stream-modes.md §4.1).
    const timeoutSeconds = Math.min(
      60,
      parseBoundedInteger(c.req.query("timeout"), "timeout", 1, Number.POSITIVE_INFINITY, 30),
    );
    const from = cursor === undefined ? 0 : cursor + 1;
    // The run is read first: another tenant's run answers 404 before any event is read. A run
    // read as terminal has its whole log; a run that ended between the two reads shows its
    // terminal event here, and is read again so the status agrees with it.
    const settle = async (): Promise<{ run: RunRecord; events: RunEvent[] }> => {
      const first = await ctx.engine.getRun(tenantId, runId);
      const read = await ctx.engine.readEvents(tenantId, runId, from, POLL_PAGE);
      const endedMeanwhile = !isTerminalStatus(first.status) && read.some((event) => isTerminalEventType(event.type));
      return { run: endedMeanwhile ? await ctx.engine.getRun(tenantId, runId) : first, events: read };
    };
    let { run, events } = await settle();
    if (events.length === 0 && cursor !== undefined && !isTerminalStatus(run.status) && timeoutSeconds > 0) {
      await waitForEvent(ctx, tenantId, runId, from, timeoutSeconds * 1000, c.req.raw.signal);
      ({ run, events } = await settle());
    }
    const last =
      events.at(-1)?.sequence ?? (cursor === undefined ? run.lastSequence : Math.min(cursor, run.lastSequence));
    const terminal = isTerminalStatus(run.status);
    const complete = terminal && (events.at(-1)?.sequence ?? cursor ?? -1) >= run.lastSequence;
    return c.json({
      runId,
      events,
      lastEventSeq: last,
      runStatus: run.status,
      isTerminal: terminal,
      isComplete: complete,
    });
  });

  app.get("/v1/runs/:runId/events", authorize(ctx, "runs:read"), async (c) => {
    const selection = parseStreamMode(c.req.query("streamMode"));
    const resumeAfter =
      parseSequence(c.req.header("last-event-id"), "Last-Event-ID") ??
      parseSequence(c.req.query("lastEventId"), "lastEventId");
    const tenantId = c.get("principal").tenantId;
    const runId = pathParam(c, "runId");
    const run = await ctx.engine.getRun(tenantId, runId);
    c.header("Cache-Control", "no-cache");
    c.header("X-Accel-Buffering", "no");
    // Resuming at (or past) the terminal event of a finished run: nothing can follow, so close at once.
    const nothingLeft = isTerminalStatus(run.status) && resumeAfter !== undefined && resumeAfter >= run.lastSequence;

    return streamSSE(c, async (stream) => {
      if (nothingLeft) return;
      const queue: RunEvent[] = [];
      let wake: (() => void) | undefined;
      let failed: unknown;
      let closed = false;
      const notify = (): void => {
        wake?.();
        wake = undefined;
      };
      const unsubscribe = ctx.engine.subscribe(
        tenantId,
        runId,
        resumeAfter === undefined ? 0 : resumeAfter + 1,
        (event) => {
          queue.push(event);
          notify();
        },
        (error) => {
          failed = error;
          notify();
        },
      );
      const keepAlive = setInterval(() => void stream.write(": keepalive\n\n"), ctx.settings.sseKeepAliveMs);
      stream.onAbort(() => {
        closed = true;
        notify();
      });
      try {
        while (!closed && failed === undefined) {
          const event = queue.shift();
          if (!event) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          const mode = admittingMode(selection, event);
          if (mode !== undefined) {
            await stream.writeSSE({ id: String(event.sequence), event: event.type, data: JSON.stringify(event) });
          } else if (wantsSnapshot(selection, event)) {
            const snapshot: JsonObject = toRunSnapshot(await ctx.engine.getRun(tenantId, runId));
            await stream.writeSSE({
              id: String(event.sequence),
              event: "state.snapshot",
              data: JSON.stringify({ ...event, type: "state.snapshot", payload: snapshot }),
            });
          }
          if (isTerminalEventType(event.type)) break;
        }
      } finally {
        clearInterval(keepAlive);
        unsubscribe();
      }
    });
  });
}
