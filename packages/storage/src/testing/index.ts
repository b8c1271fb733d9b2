/**
 * The storage test kit: the adapter contract suites every adapter runs, and the helpers the
 * workspace's tests share (record builders, `eventually`). Import it from a vitest test file:
 * `import { describeStorageAdapterContract } from "@openwop/storage/testing"`.
 */
export { describeStorageAdapterContract } from "./contract/describe-storage-adapter-contract.js";
export type { StorageAdapterContractOptions } from "./contract/options.js";
export type { AdapterUnderTest, StorageAdapterFactory } from "./contract/harness.js";
export { eventually } from "./eventually.js";
/** Record and event builders; every timestamp is {@link T0} plus an offset, never the wall clock. */
export {
  T0,
  isoAt,
  newApiKey,
  newEvent,
  newIdempotencyRecord,
  newRun,
  newSubscription,
  newSuspension,
  numberedEvents,
  type NumberedEventOptions,
} from "./fixtures.js";
