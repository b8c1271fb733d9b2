import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { loadHostManifest, type LoadedHostManifest } from "../host-manifest/manifest.js";

const STORAGE_ORDER = ["memory", "sqlite", "postgres"];

/** Every `examples/hosts/<dir>/openwop-host.json`, memory first, then sqlite, then postgres. */
export async function discoverManifests(root: string): Promise<LoadedHostManifest[]> {
  const hostsDir = join(root, "examples", "hosts");
  const loaded: LoadedHostManifest[] = [];
  for (const entry of (await readdir(hostsDir, { withFileTypes: true })).filter((dirent) => dirent.isDirectory())) {
    const path = join(hostsDir, entry.name, "openwop-host.json");
    try {
      loaded.push(await loadHostManifest(path));
    } catch (error) {
      // A host directory without a manifest is not (yet) part of the matrix.
      if (!(error instanceof Error && /ENOENT/.test(error.message))) throw error;
    }
  }
  return loaded.sort(
    (left, right) =>
      STORAGE_ORDER.indexOf(left.manifest.storage) - STORAGE_ORDER.indexOf(right.manifest.storage) ||
      left.manifest.name.localeCompare(right.manifest.name),
  );
}
