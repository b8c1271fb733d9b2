/** Resolves after `ms` milliseconds, e.g. to let pending notifications arrive before asserting that none did. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition` holds, checking it every 10 ms (an async condition is awaited
 * before the next check); rejects after `timeoutMs` with an error naming `what`, the thing
 * the test was waiting for.
 *
 * @example
 * await eventually(() => heard.length === 2, "the peer's commit");
 * await eventually(async () => (await store.getTombstone(runId)) !== null, "the sweep", 30_000);
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(10);
  }
}
