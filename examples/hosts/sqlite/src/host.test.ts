import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeHostSuite } from "@openwop/server/testing";
import { startSqliteHost } from "./index.js";

describeHostSuite("sqlite host", async (launch) => {
  const dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-host-"));
  const host = await startSqliteHost({ path: join(dir, "openwop.db"), port: 0, ...launch });
  return {
    url: host.url,
    close: async () => {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
