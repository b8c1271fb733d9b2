import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StorageAdapter } from "@openwop/storage";
import { newRun } from "@openwop/storage/testing";
import { openSqliteAdapter } from "./index.js";
import { createTempDirectory, type TempDirectory } from "./testing/temp-database.js";

const NOW = Date.UTC(2030, 0, 1);

describe("releaseClaims after a step that released the claim", () => {
  let directory: TempDirectory;
  let adapter: StorageAdapter;

  beforeEach(() => {
    directory = createTempDirectory();
    adapter = openSqliteAdapter({ path: directory.file("released.db") });
  });
  afterEach(async () => {
    await adapter.close();
    directory.remove();
  });

  it("is a no-op when nothing claimed the run since, and still releases a claim taken again", async () => {
    await adapter.createRun({ run: newRun({ runId: "r1" }) });
    const first = await adapter.claimRun("r1", "holder-a", 30_000, NOW);
    await adapter.commitStep({
      runId: "r1",
      fence: { holderId: "holder-a", epoch: first?.epoch ?? -1 },
      releaseClaim: true,
    });
    await adapter.releaseClaims("holder-a", ["r1"]);
    expect((await adapter.getRun("r1"))?.claim).toBeNull();

    const second = await adapter.claimRun("r1", "holder-a", 30_000, NOW + 1);
    expect(second?.epoch).toBe((first?.epoch ?? 0) + 1);
    await adapter.commitStep({
      runId: "r1",
      fence: { holderId: "holder-a", epoch: second?.epoch ?? -1 },
      releaseClaim: true,
    });
    const third = await adapter.claimRun("r1", "holder-a", 30_000, NOW + 2);
    expect(third).not.toBeNull();
    await adapter.releaseClaims("holder-a", ["r1"]);
    expect((await adapter.getRun("r1"))?.claim).toBeNull();
    expect(await adapter.listClaimableRuns(NOW + 3, 10)).toEqual(["r1"]);
  });
});
