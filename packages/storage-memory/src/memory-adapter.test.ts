import { describeStorageAdapterContract } from "@openwop/storage/contract";
import { createMemoryAdapter } from "./index.js";

describeStorageAdapterContract("memory", async () => ({ adapter: createMemoryAdapter() }));
