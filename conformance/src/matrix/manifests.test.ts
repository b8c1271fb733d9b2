import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { discoverManifests, isHostManifestFile } from "./manifests.js";
import { findRepoRoot } from "./repo-root.js";

const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A repository with `examples/hosts/<dir>/<file>` for each entry, each a minimal manifest. */
async function fakeRepo(entries: ReadonlyArray<{ dir: string; file: string; name: string; storage: string }>) {
  const repo = await mkdtemp(join(tmpdir(), "openwop-manifests-"));
  dirs.push(repo);
  for (const { dir, file, name, storage } of entries) {
    await mkdir(join(repo, "examples", "hosts", dir), { recursive: true });
    await writeFile(
      join(repo, "examples", "hosts", dir, file),
      JSON.stringify({
        manifestVersion: 1,
        name,
        storage,
        start: { command: "node", args: ["dist/main.js"] },
        port: 1,
        env: {},
        readiness: { url: "http://127.0.0.1:1/" },
        bootstrapKey: { env: "OPENWOP_API_KEY" },
      }),
    );
  }
  return repo;
}

describe("discoverManifests", () => {
  it("finds every openwop-host*.json of the example hosts: by storage, the production manifest first", async () => {
    const found = await discoverManifests(root);
    expect(found.map((loaded) => [loaded.manifest.name, relative(root, loaded.path)])).toEqual([
      ["in-memory", "examples/hosts/in-memory/openwop-host.json"],
      ["sqlite", "examples/hosts/sqlite/openwop-host.json"],
      ["sqlite-webhooks", "examples/hosts/sqlite/openwop-host.webhooks.json"],
      ["postgres", "examples/hosts/postgres/openwop-host.json"],
      ["postgres-webhooks", "examples/hosts/postgres/openwop-host.webhooks.json"],
    ]);
  });

  it("orders variants after their directory's production manifest and ignores other files", async () => {
    const repo = await fakeRepo([
      { dir: "b", file: "openwop-host.zeta.json", name: "b-zeta", storage: "sqlite" },
      { dir: "b", file: "openwop-host.json", name: "b", storage: "sqlite" },
      { dir: "b", file: "openwop-host.alpha.json", name: "b-alpha", storage: "sqlite" },
      { dir: "a", file: "openwop-host.json", name: "z-memory", storage: "memory" },
      { dir: "a", file: "package.json", name: "not-a-manifest", storage: "memory" },
      { dir: "c", file: "openwop-host.json.bak", name: "backup", storage: "postgres" },
    ]);
    await mkdir(join(repo, "examples", "hosts", "empty"));
    expect((await discoverManifests(repo)).map((loaded) => loaded.manifest.name)).toEqual([
      "z-memory",
      "b",
      "b-alpha",
      "b-zeta",
    ]);
  });

  it("refuses two manifests with one name (one row and one result file each)", async () => {
    const repo = await fakeRepo([
      { dir: "a", file: "openwop-host.json", name: "same", storage: "sqlite" },
      { dir: "a", file: "openwop-host.other.json", name: "same", storage: "sqlite" },
    ]);
    await expect(discoverManifests(repo)).rejects.toThrow(/share the name same/);
  });

  it("recognises manifest file names", () => {
    expect(["openwop-host.json", "openwop-host.webhooks.json", "openwop-host.a-b.json"].every(isHostManifestFile)).toBe(
      true,
    );
    expect(
      ["openwop-host.json.bak", "openwop-host..json", "openwop-hosts.json", "x.json"].some(isHostManifestFile),
    ).toBe(false);
  });
});
