import { afterEach, beforeEach } from "vitest";
import type { StorageAdapter } from "../../adapter.js";

/** What an adapter factory hands the kit: a fresh adapter and how to dispose of its backing store. */
export interface AdapterUnderTest {
  adapter: StorageAdapter;
  /** Called after the kit closed the adapter, e.g. to delete a temp file or drop a schema. */
  cleanup?: () => Promise<void>;
}

/**
 * Builds one adapter per test. Every call must return an adapter over an **empty** store
 * (a fresh file, schema or database): tests count runs and list the claimable queue, so
 * rows left behind by another test would make them fail.
 */
export type StorageAdapterFactory = () => Promise<AdapterUnderTest>;

/**
 * Gives each test its own adapter and disposes of it afterwards, so one test's rows,
 * claims and watchers can never leak into the next.
 */
export class AdapterHarness {
  #current: AdapterUnderTest | undefined;
  #closedByTest = false;

  constructor(private readonly factory: StorageAdapterFactory) {}

  /** Registers the per-test hooks; call it inside the enclosing `describe`. */
  install(): void {
    beforeEach(async () => {
      this.#current = await this.factory();
      this.#closedByTest = false;
    });
    afterEach(async () => {
      const current = this.#current;
      this.#current = undefined;
      if (!current) return;
      try {
        if (!this.#closedByTest) await current.adapter.close();
      } finally {
        await current.cleanup?.();
      }
    });
  }

  /** The adapter of the running test. */
  get adapter(): StorageAdapter {
    if (!this.#current) throw new Error("the contract kit hands out an adapter only while a test runs");
    return this.#current.adapter;
  }

  /** Closes the adapter from inside a test, so the teardown does not close it twice. */
  async closeAdapter(): Promise<void> {
    this.#closedByTest = true;
    await this.adapter.close();
  }
}
