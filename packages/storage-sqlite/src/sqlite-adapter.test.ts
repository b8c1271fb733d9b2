import { describeStorageAdapterContract } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory } from "./testing/temp-database.js";

describeStorageAdapterContract("sqlite", async () => {
  const directory = createTempDirectory();
  return {
    adapter: openSqliteAdapter({ path: directory.file("contract.db") }),
    cleanup: async () => directory.remove(),
  };
});
