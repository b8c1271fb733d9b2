import type { OpenWopClient } from "@openwop/client";
import { isTerminalEventType, type RunEvent, type RunSnapshot } from "@openwop/types";
import { CommandFailed, Interrupted } from "./failures.js";
import { LiveLine } from "./live-line.js";
import { statusStyle, type Output } from "./output.js";

/**
 * Following one run to its end through `client.watchRun` (SSE, resumed by `Last-Event-ID`):
 * the live view of `runs watch` and the wait of `runs create --wait`.
 */

export interface FollowOptions {
  readonly signal: AbortSignal;
  /**
   * `events`: every event is output — one JSON line each with `--json`, a redrawn status line
   * on a terminal, one line each elsewhere (`runs watch`). `progress`: only a status line on
   * standard error (`runs create --wait`).
   */
  readonly show: "events" | "progress";
}

/** How long a run's log stays quiet at an interrupt before the CLI says how to resolve it. */
const HINT_AFTER_MS = 300;

/** The status a run has after `event`, as far as its log tells. */
export function statusAfter(event: RunEvent, previous: string): string {
  switch (event.type) {
    case "run.completed":
      return "completed";
    case "run.failed":
      return "failed";
    case "run.cancelled":
      return "cancelled";
    case "run.paused":
      return "paused";
    case "run.started":
    case "run.resumed":
    case "interrupt.resolved":
      return "running";
    case "interrupt.requested": {
      const kind = isRecord(event.payload) ? event.payload["kind"] : undefined;
      return kind === "approval" ? "waiting-approval" : kind === "clarification" ? "waiting-input" : "waiting-external";
    }
    default:
      return previous === "pending" ? "running" : previous;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** One event as a line: sequence, time, type and node. */
export function eventLine(out: Output, event: RunEvent): string {
  const type = isTerminalEventType(event.type) ? out.status(event.type) : event.type;
  return [String(event.sequence).padStart(4), event.timestamp, type, event.nodeId ?? ""].join("  ").trimEnd();
}

/**
 * Follows `runId` until its terminal event and answers its snapshot then. A run that ends
 * anything but `completed` is a {@link CommandFailed} (exit 1), carrying the snapshot; Ctrl-C is
 * {@link Interrupted}.
 */
export async function followRun(
  client: OpenWopClient,
  out: Output,
  runId: string,
  options: FollowOptions,
): Promise<RunSnapshot> {
  const first = await client.getRun(runId);
  let status: string = first.status;
  let seen = 0;
  const onStdout = options.show === "events" && !out.json && out.liveStdout;
  const live = new LiveLine(onStdout ? out.stdout : out.stderr, onStdout || out.liveStderr);
  const describe = (event?: RunEvent) => {
    const last = event ? `  ${event.type}${event.nodeId ? ` ${event.nodeId}` : ""}` : "";
    return `run ${runId}  ${out.paintErr(statusStyle(status), status)}  ${seen} event${seen === 1 ? "" : "s"}${last}`;
  };
  if (options.show === "progress" || out.json || !out.liveStdout)
    out.note(`watching run ${runId} (Ctrl-C stops watching)`);
  if (options.show === "progress" || onStdout) live.update(describe());

  // A run that waits on an interrupt gets a hint once its log goes quiet there; an
  // interrupt already resolved further on in the log (a replay) is not worth one.
  let hint: NodeJS.Timeout | undefined;
  try {
    for await (const event of client.watchRun(runId, { signal: options.signal })) {
      clearTimeout(hint);
      seen++;
      status = statusAfter(event, status);
      if (options.show === "events") {
        if (out.json) out.printJsonLine(event);
        else if (!onStdout) out.line(eventLine(out, event));
      }
      if (options.show === "progress" || onStdout) live.update(describe(event));
      if (event.type === "interrupt.requested") {
        const nodeId = event.nodeId ?? (isRecord(event.payload) ? String(event.payload["nodeId"] ?? "") : "");
        hint = setTimeout(() => {
          live.done();
          out.note(
            `run ${runId} waits at node ${nodeId}: openwop interrupts resolve ${runId} ${nodeId} --approve|--reject|--answer …`,
          );
        }, HINT_AFTER_MS);
      }
    }
  } finally {
    clearTimeout(hint);
  }
  live.done();
  if (options.signal.aborted) throw new Interrupted(`stopped watching run ${runId} (${status})`);
  const snapshot = await client.getRun(runId);
  if (snapshot.status !== "completed") {
    const reason = snapshot.error ? `: ${snapshot.error.code}: ${snapshot.error.message}` : "";
    throw new CommandFailed(`run ${runId} ended ${snapshot.status}${reason}`, snapshot);
  }
  return snapshot;
}
