/** Knobs for running the contract kit against backends with different latencies. */
export interface StorageAdapterContractOptions {
  /**
   * How many steps the concurrency tests race against one run. Default 50. Raise it to
   * stress a pooled backend; never lower it to hide a race.
   */
  concurrentSteps?: number;
  /**
   * How long a test waits for a `watchEvents`/`watchWork` notification before failing,
   * in milliseconds. Default 2000. Adapters whose notifications travel through the
   * database (Postgres `LISTEN/NOTIFY`) may need more on a loaded CI machine.
   */
  notificationTimeoutMs?: number;
  /** Timeout of each contract test, in milliseconds. Default 30000. */
  testTimeoutMs?: number;
}

/** The options with every default filled in. */
export interface ContractSettings {
  concurrentSteps: number;
  notificationTimeoutMs: number;
  testTimeoutMs: number;
}

export function resolveContractSettings(options: StorageAdapterContractOptions = {}): ContractSettings {
  return {
    concurrentSteps: options.concurrentSteps ?? 50,
    notificationTimeoutMs: options.notificationTimeoutMs ?? 2_000,
    testTimeoutMs: options.testTimeoutMs ?? 30_000,
  };
}
