import { readSseFrames, type SseFrame } from "@openwop/client";

export type { SseFrame };

export interface SseSession {
  status: number;
  headers: Headers;
  /** Frames in arrival order; resolves `done` when the server closes the stream. */
  frames: AsyncIterable<SseFrame>;
  /** Comments (keep-alives) seen so far. */
  comments: string[];
  close(): void;
}

/**
 * Opens an SSE stream over a real socket and reads it with the client's frame reader
 * (`readSseFrames`). The stream is read from the start, whether or not anyone iterates
 * `frames`, so `comments` fills while a test only waits.
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseSession> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const comments: string[] = [];
  const queue: SseFrame[] = [];
  let finished = false;
  let wake: (() => void) | undefined;
  const pump = async (): Promise<void> => {
    try {
      if (!response.body) return;
      for await (const frame of readSseFrames(response.body, { onComment: (comment) => comments.push(comment) })) {
        queue.push(frame);
        wake?.();
      }
    } catch {
      // aborted by close()
    } finally {
      finished = true;
      wake?.();
    }
  };
  void pump();
  async function* frames(): AsyncGenerator<SseFrame> {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  return {
    status: response.status,
    headers: response.headers,
    frames: frames(),
    comments,
    close: () => controller.abort(),
  };
}

/** Collects every frame until the server closes the stream, failing after `timeoutMs`. */
export async function collectUntilClosed(session: SseSession, timeoutMs: number): Promise<SseFrame[]> {
  const collected: SseFrame[] = [];
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`SSE stream still open after ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  const drain = (async () => {
    for await (const frame of session.frames) collected.push(frame);
    return collected;
  })();
  try {
    return await Promise.race([drain, timeout]);
  } finally {
    session.close();
  }
}
