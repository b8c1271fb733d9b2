import { describeStorageAdapterContract } from "@openwop/storage/testing";
import { createMemoryAdapter } from "./index.js";

describeStorageAdapterContract("memory", async () => ({ adapter: createMemoryAdapter() }));
