/**
 * Records the calls of a listener and lets a test wait for one that matters.
 * Notifications are hints that may coalesce, so tests wait for *a* matching call,
 * never for an exact count.
 */
export class CallRecorder<Args extends unknown[]> {
  readonly calls: Args[] = [];
  #waiters: Array<{ predicate: (args: Args) => boolean; resolve: () => void }> = [];

  readonly listener = (...args: Args): void => {
    this.calls.push(args);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.predicate(args)) return true;
      waiter.resolve();
      return false;
    });
  };

  /** Resolves once a call satisfies `predicate` (including one already recorded); rejects after `timeoutMs`. */
  waitFor(predicate: (args: Args) => boolean, timeoutMs: number, what: string): Promise<void> {
    if (this.calls.some(predicate)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`no notification within ${timeoutMs} ms: ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push({ predicate, resolve: done });
    });
  }
}
