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

  it("reads testSeams.webhookPrivateUrls and refuses a value that is not a boolean", () => {
    const manifest = {
      manifestVersion: 1,
      name: "seamed",
      storage: "memory",
      start: { command: "node", args: ["dist/main.js"] },
      port: 1,
      env: {},
      readiness: { url: "http://127.0.0.1:1/" },
      bootstrapKey: { env: "OPENWOP_API_KEY" },
    };
    expect(parseHostManifest({ ...manifest, testSeams: { webhookPrivateUrls: true } }).testSeams).toEqual({
      webhookPrivateUrls: true,
    });
    expect(() => parseHostManifest({ ...manifest, testSeams: { webhookPrivateUrls: "true" } })).toThrow(
      /testSeams\.webhookPrivateUrls must be a boolean/,
    );
    expect(() => parseHostManifest({ ...manifest, testSeams: [] })).toThrow(/testSeams must be an object/);
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
