import { parseFrameData, type SseFrame, type StreamOptions } from "@openwop/client";
import type { ScenarioContext } from "../runner/scenario.js";
import { isTerminalEventType } from "@openwop/types";

export interface FrameCollection {
  readonly status: number;
  readonly headers: Headers;
  readonly frames: readonly SseFrame[];
  /**
   * `terminal`: we stopped after the first terminal frame (without waiting for close);
   * `server-close`: the server ended the stream; `bound`: our time bound ran out first.
   */
  readonly endedBy: "terminal" | "server-close" | "bound";
  /** Milliseconds from the first terminal frame to the end of the stream, when both happened. */
  readonly closeAfterTerminalMs?: number;
}

export interface CollectOptions extends Omit<StreamOptions, "signal"> {
  /** Stop reading right after the first terminal frame instead of waiting for the server. */
  readonly stopAtTerminal: boolean;
  /** Unscaled bound on the whole read. */
  readonly boundMs: number;
  /** Stop once this many frames arrived (resume tests read part of a live stream). */
  readonly maxFrames?: number;
  /** What counts as the terminal frame; by default a frame whose `event:` is a terminal type. */
  readonly isTerminal?: (frame: SseFrame) => boolean;
}

export const isTerminalFrame = (frame: SseFrame) => frame.event !== undefined && isTerminalEventType(frame.event);

/**
 * Reads a run's SSE stream. Most scenarios stop at the terminal frame so that only the
 * close-behaviour scenario depends on the server closing the stream.
 */
export async function collectFrames(
  context: ScenarioContext,
  runId: string,
  options: CollectOptions,
): Promise<FrameCollection> {
  const controller = new AbortController();
  const onScenarioAbort = () => controller.abort();
  context.signal.addEventListener("abort", onScenarioAbort, { once: true });
  const bound = setTimeout(() => controller.abort(), context.scaled(options.boundMs));
  const frames: SseFrame[] = [];
  let endedBy: FrameCollection["endedBy"] = "server-close";
  let terminalAt: number | undefined;
  let status = 0;
  let headers = new Headers();
  const terminal = options.isTerminal ?? isTerminalFrame;
  try {
    const stream = await context.client.openEventStream(runId, {
      ...(options.streamMode === undefined ? {} : { streamMode: options.streamMode }),
      ...(options.lastEventId === undefined ? {} : { lastEventId: options.lastEventId }),
      signal: controller.signal,
    });
    status = stream.status;
    headers = stream.headers;
    for await (const frame of stream) {
      frames.push(frame);
      if (terminalAt === undefined && terminal(frame)) {
        terminalAt = performance.now();
        if (options.stopAtTerminal) {
          endedBy = "terminal";
          break;
        }
      }
      if (options.maxFrames !== undefined && frames.length >= options.maxFrames) {
        endedBy = "bound";
        break;
      }
    }
  } catch (error) {
    // Our own abort ends the read; anything else (a WireError on open) is the scenario's to judge.
    if (!controller.signal.aborted) throw error;
    endedBy = "bound";
  } finally {
    clearTimeout(bound);
    context.signal.removeEventListener("abort", onScenarioAbort);
    controller.abort();
  }
  return {
    status,
    headers,
    frames,
    endedBy,
    ...(terminalAt !== undefined && endedBy === "server-close"
      ? { closeAfterTerminalMs: Math.round(performance.now() - terminalAt) }
      : {}),
  };
}

/** Frame data parsed as a JSON object, or `undefined`. */
export function frameEvent(frame: SseFrame): Record<string, unknown> | undefined {
  const data = parseFrameData(frame);
  return typeof data === "object" && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}
