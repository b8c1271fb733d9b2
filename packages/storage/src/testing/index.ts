/**
 * The storage test kit: the adapter contract suites every adapter runs, and the helpers the
 * workspace's tests share (record builders, `eventually`). Import it from a vitest test file:
 * `import { describeStorageAdapterContract } from "@openwop/storage/testing"`.
 */
export { describeStorageAdapterContract } from "./contract/describe-storage-adapter-contract.js";
export type { StorageAdapterContractOptions } from "./contract/options.js";
export type { AdapterUnderTest, StorageAdapterFactory } from "./contract/harness.js";
export { eventually, pause } from "./eventually.js";
