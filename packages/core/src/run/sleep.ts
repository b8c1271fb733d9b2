/**
 * Resolves at `until` (epoch ms) or when `signal` aborts, whichever is first; never
 * rejects. Long waits are chained because timers cap at about 24.8 days.
 */
export function sleepUntil(until: number, now: () => number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const arm = (): void => {
      const remaining = until - now();
      if (remaining <= 0) {
        done();
        return;
      }
      timer = setTimeout(arm, Math.min(remaining, 2_000_000_000));
    };
    signal.addEventListener("abort", done, { once: true });
    arm();
  });
}
