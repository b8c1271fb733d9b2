/**
 * The storage adapter contract test kit. Import it from a vitest test file:
 * `import { describeStorageAdapterContract } from "@openwop/storage/contract"`.
 */
export { describeStorageAdapterContract } from "./describe-storage-adapter-contract.js";
export type { StorageAdapterContractOptions } from "./options.js";
export type { AdapterUnderTest, StorageAdapterFactory } from "./harness.js";
