import { describe, expect, it } from "vitest";
import { assertSpiCompatible } from "../../../version.js";
import { seedRun, uniqueId } from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

export function describeLifecycle(harness: AdapterHarness): void {
  describe("adapter lifecycle", () => {
    it("declares a name, durability and an SPI range that includes this SPI version", () => {
      const { adapter } = harness;
      expect(typeof adapter.name).toBe("string");
      expect(adapter.name.length).toBeGreaterThan(0);
      expect(typeof adapter.durable).toBe("boolean");
      expect(() => assertSpiCompatible(adapter)).not.toThrow();
    });

    it("ping resolves while the backend answers", async () => {
      await expect(harness.adapter.ping()).resolves.toBeUndefined();
    });

    it("after close, further calls reject", async () => {
      const runId = await seedRun(harness.adapter);
      const adapter = harness.adapter;
      await harness.closeAdapter();
      await expect(adapter.getRun(runId)).rejects.toBeInstanceOf(Error);
      await expect(adapter.readEvents(uniqueId("run"))).rejects.toBeInstanceOf(Error);
      await expect(adapter.ping()).rejects.toBeInstanceOf(Error);
      await expect(adapter.keyStateVersion()).rejects.toBeInstanceOf(Error);
    });
  });
}
