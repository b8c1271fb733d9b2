import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { loadHostManifest, type LoadedHostManifest } from "../host-manifest/manifest.js";

const STORAGE_ORDER = ["memory", "sqlite", "postgres"];

/** The production manifest of a host directory; further configurations are `openwop-host.<variant>.json`. */
export const PRIMARY_MANIFEST = "openwop-host.json";

/** `openwop-host.json` or `openwop-host.<variant>.json`. */
export const isHostManifestFile = (file: string) => /^openwop-host(\.[a-z0-9][a-z0-9-]*)?\.json$/.test(file);

/**
 * Every `examples/hosts/<dir>/openwop-host*.json`, one matrix row each: memory first, then
 * sqlite, then postgres; within a directory its `openwop-host.json` (the production
 * configuration) first, then the variants by file name. Two manifests may not share a name.
 */
export async function discoverManifests(root: string): Promise<LoadedHostManifest[]> {
  const hostsDir = join(root, "examples", "hosts");
  const loaded: LoadedHostManifest[] = [];
  // A repository without example hosts (one holding only remote or self-reported rows) has no manifests.
  const entries = await readdir(hostsDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.filter((dirent) => dirent.isDirectory())) {
    // A host directory without a manifest is not (yet) part of the matrix.
    const files = (await readdir(join(hostsDir, entry.name))).filter(isHostManifestFile);
    for (const file of files) loaded.push(await loadHostManifest(join(hostsDir, entry.name, file)));
  }
  const names = new Map<string, string>();
  for (const manifest of loaded) {
    const other = names.get(manifest.manifest.name);
    if (other !== undefined)
      throw new Error(`host manifests ${other} and ${manifest.path} share the name ${manifest.manifest.name}`);
    names.set(manifest.manifest.name, manifest.path);
  }
  const rank = (manifest: LoadedHostManifest) => (basename(manifest.path) === PRIMARY_MANIFEST ? 0 : 1);
  return loaded.sort(
    (left, right) =>
      STORAGE_ORDER.indexOf(left.manifest.storage) - STORAGE_ORDER.indexOf(right.manifest.storage) ||
      dirname(left.path).localeCompare(dirname(right.path)) ||
      rank(left) - rank(right) ||
      basename(left.path).localeCompare(basename(right.path)),
  );
}
