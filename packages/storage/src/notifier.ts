/**
 * A synchronous in-process fan-out of "something changed" hints, for adapters whose
 * writes all pass through one process (memory, SQLite); a shared backend such as
 * Postgres needs its own cross-process channel instead.
 *
 * Listeners run after the change is visible, each in isolation: one that throws is
 * reported as a process warning and neither fails the write that triggered it nor keeps
 * the others from hearing about it.
 */
export class Notifier<Args extends unknown[]> {
  readonly #listeners = new Set<(...args: Args) => void>();

  add(listener: (...args: Args) => void): () => void {
    // A wrapper per registration, so registering one function twice yields two independent subscriptions.
    const registration = (...args: Args): void => listener(...args);
    this.#listeners.add(registration);
    return () => {
      this.#listeners.delete(registration);
    };
  }

  notify(...args: Args): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(...args);
      } catch (error) {
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), {
          code: "OPENWOP_STORAGE_LISTENER_FAILED",
        });
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** Notifiers keyed by run id, dropped when their last listener leaves so idle runs cost nothing. */
export class KeyedNotifier<Args extends unknown[]> {
  readonly #byKey = new Map<string, Notifier<Args>>();

  add(key: string, listener: (...args: Args) => void): () => void {
    let notifier = this.#byKey.get(key);
    if (!notifier) {
      notifier = new Notifier<Args>();
      this.#byKey.set(key, notifier);
    }
    const owner = notifier;
    const remove = owner.add(listener);
    return () => {
      remove();
      if (owner.size === 0 && this.#byKey.get(key) === owner) this.#byKey.delete(key);
    };
  }

  notify(key: string, ...args: Args): void {
    this.#byKey.get(key)?.notify(...args);
  }

  clear(): void {
    this.#byKey.clear();
  }
}
