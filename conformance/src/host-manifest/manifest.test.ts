import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadHostManifest, ManifestError, parseHostManifest } from "./manifest.js";
import { fillPlaceholders } from "./placeholders.js";

const inMemory = fileURLToPath(new URL("../../../examples/hosts/in-memory/openwop-host.json", import.meta.url));

describe("host manifests", () => {
  it("loads the in-memory host's manifest and resolves its cwd beside the file", async () => {
    const loaded = await loadHostManifest(inMemory);
    expect(loaded.manifest).toMatchObject({
      name: "in-memory",
      storage: "memory",
      bootstrapKey: { env: "OPENWOP_API_KEY" },
    });
    expect(loaded.cwd).toBe(fileURLToPath(new URL("../../../examples/hosts/in-memory", import.meta.url)));
  });

  it("lists every problem of a malformed manifest at once", () => {
    expect(() =>
      parseHostManifest({
        manifestVersion: 2,
        name: "Bad Name",
        storage: "disk",
        start: {},
        port: 0,
        env: { A: 1 },
        readiness: {},
        bootstrapKey: {},
      }),
    ).toThrow(
      /manifestVersion must be 1; name must be kebab-case; storage must be memory, sqlite or postgres; start.command/,
    );
    expect(() => parseHostManifest([])).toThrow(ManifestError);
  });

  it("fills placeholders and refuses one without a value", () => {
    expect(fillPlaceholders("http://${HOST}:${PORT}/x", { HOST: "127.0.0.1", PORT: "1" }, "t")).toBe(
      "http://127.0.0.1:1/x",
    );
    expect(() => fillPlaceholders("${DATABASE_URL}", { DATABASE_URL: undefined }, "env.DATABASE_URL")).toThrow(
      /DATABASE_URL.*no value/,
    );
  });
});
