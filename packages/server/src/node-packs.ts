import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  instantiateNodePack,
  loadNodePacks,
  NodePackLoadError,
  type LoadedNodePack,
  type NodePackSource,
  type NodeRegistry,
} from "@openwop/core";
import { HostConfigError, type HostSettings } from "./settings/host-settings.js";

/**
 * The packs a host loads at start: those its code passes, then those
 * `OPENWOP_NODE_PACKS` names, instantiated with the host's policies and registered all or
 * nothing. Anything wrong — a module that does not load, a value that is not a pack, a
 * reserved or duplicate type id, one pack in two versions — stops the start with a
 * {@link HostConfigError} naming the pack and the fix, before the host listens.
 */
export async function loadHostNodePacks(
  registry: NodeRegistry,
  fromCode: readonly NodePackSource[],
  settings: Pick<HostSettings, "nodePacks" | "webhookAllowPrivate">,
  cwd = process.cwd(),
): Promise<LoadedNodePack[]> {
  const sources = [...fromCode];
  for (const specifier of settings.nodePacks) sources.push(await importPack(specifier, cwd));
  try {
    const packs = await Promise.all(
      sources.map((source) => instantiateNodePack(source, { allowPrivateAddresses: settings.webhookAllowPrivate })),
    );
    return loadNodePacks(registry, packs);
  } catch (error) {
    if (error instanceof NodePackLoadError) throw new HostConfigError(`OPENWOP_NODE_PACKS: ${error.message}`);
    throw error;
  }
}

/**
 * One module of `OPENWOP_NODE_PACKS`: a path (absolute, or relative to the working directory)
 * or a package name the host can resolve. Its default export is the pack or its factory.
 */
async function importPack(specifier: string, cwd: string): Promise<NodePackSource> {
  const isPath = specifier.startsWith(".") || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
  let loaded: { default?: unknown };
  try {
    loaded = (await import(target)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new HostConfigError(`OPENWOP_NODE_PACKS: cannot load ${specifier}: ${reason}`);
  }
  if (loaded.default === undefined)
    throw new HostConfigError(
      `OPENWOP_NODE_PACKS: ${specifier} has no default export; export the pack (defineNodePack) as default`,
    );
  // Checked by loadNodePacks, which names what is wrong with it.
  return loaded.default as NodePackSource;
}
