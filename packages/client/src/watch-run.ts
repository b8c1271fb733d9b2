import { isTerminalEventType, type RunEvent } from "@openwop/types";
import { LocalClientError, WireError } from "./errors.js";
import type { OpenedEventStream, StreamOptions } from "./client.js";
import { parseFrameData } from "./sse-frames.js";
import { abortableSleep } from "./sleep.js";

export interface WatchRunOptions {
  /** Start after this sequence (as `Last-Event-ID`); from the first event when absent. */
  readonly afterSequence?: number;
  /** Ends the iteration, without throwing, when aborted. */
  readonly signal?: AbortSignal;
  /** Reconnections in a row without a new event before giving up; default 8. */
  readonly maxReconnects?: number;
  /** The first reconnection's wait, doubled each time up to 10 s; default 250 ms. */
  readonly backoffMs?: number;
  /** Which events to receive (stream-modes.md §3); the host's default, `updates`, when absent. `debug` is every event. */
  readonly streamMode?: StreamOptions["streamMode"];
}

type OpenStream = (runId: string, options?: StreamOptions) => Promise<OpenedEventStream>;

const DEFAULT_MAX_RECONNECTS = 8;
const DEFAULT_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/** Statuses after which reconnecting cannot help: the request itself is refused. */
const isFinalRefusal = (error: unknown) =>
  error instanceof WireError && error.status >= 400 && error.status < 500 && error.status !== 429;

/**
 * The events of one run, each once and in sequence, until its terminal event. The stream is
 * SSE (stream-modes.md §2); when it drops before the terminal event — a proxy timeout, a host
 * restart — it is opened again with `Last-Event-ID` set to the last sequence seen, after a
 * backoff that doubles while nothing new arrives. A refusal (404, 401, 403) throws at once; a
 * stream that stays down throws once `maxReconnects` attempts in a row brought nothing.
 */
export async function* watchRun(
  open: OpenStream,
  runId: string,
  options: WatchRunOptions = {},
): AsyncIterable<RunEvent> {
  const { signal } = options;
  const maxReconnects = options.maxReconnects ?? DEFAULT_MAX_RECONNECTS;
  let backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  let lastSequence = options.afterSequence;
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return;
    let progressed = false;
    try {
      const stream = await open(runId, {
        ...(lastSequence === undefined ? {} : { lastEventId: lastSequence }),
        ...(options.streamMode === undefined ? {} : { streamMode: options.streamMode }),
        ...(signal ? { signal } : {}),
      });
      for await (const frame of stream) {
        const event = parseFrameData(frame) as RunEvent | undefined;
        if (typeof event !== "object" || event === null || typeof event.sequence !== "number") continue;
        // A host that replays from before Last-Event-ID must not make us repeat an event.
        if (lastSequence !== undefined && event.sequence <= lastSequence) continue;
        lastSequence = event.sequence;
        progressed = true;
        yield event;
        if (isTerminalEventType(event.type)) return;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (
        isFinalRefusal(error) ||
        !(error instanceof WireError || error instanceof LocalClientError || error instanceof TypeError)
      ) {
        throw error;
      }
    }
    if (signal?.aborted) return;
    if (progressed) {
      failures = 0;
      backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    } else if (++failures > maxReconnects) {
      throw new LocalClientError(
        `the event stream of run ${runId} kept closing before its terminal event (${maxReconnects} reconnections without a new event)`,
      );
    }
    await abortableSleep(backoff, signal);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  }
}
