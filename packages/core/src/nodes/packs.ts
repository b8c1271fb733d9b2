import type { NodeRegistry } from "./registry.js";
import type { NodeType } from "./types.js";

/**
 * A versioned set of node types a host loads besides its built-in ones.
 * `@openwop/node-pack`'s `defineNodePack` builds one with validated configuration; any
 * object of this shape can be loaded.
 */
export interface NodePack {
  /** The pack's name: an npm package name, e.g. `@openwop/pack-http-json`. */
  readonly name: string;
  /** Semantic version `MAJOR.MINOR.PATCH`, with an optional pre-release and build. */
  readonly version: string;
  readonly nodes: readonly NodeType[];
}

/** What a host tells a pack it is instantiating: the policies a pack's side effects must follow. */
export interface NodePackHost {
  /**
   * The host's private-address override (`OPENWOP_WEBHOOK_ALLOW_PRIVATE`): when false, a
   * node that reaches the network must refuse loopback, private and link-local addresses.
   */
  readonly allowPrivateAddresses: boolean;
}

/** A pack, or a function the host calls once at start with its {@link NodePackHost}. */
export type NodePackSource = NodePack | ((host: NodePackHost) => NodePack | Promise<NodePack>);

/** One loaded pack as `GET /v1/packs` lists it (schemas/pack-list.schema.json). */
export interface LoadedNodePack {
  readonly name: string;
  readonly version: string;
  readonly nodeTypes: readonly { readonly typeId: string; readonly requires?: readonly string[] }[];
}

/** A pack refused at start-up; the message names the pack and what to change. */
export class NodePackLoadError extends Error {
  override readonly name = "NodePackLoadError";
}

const PACK_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const SEMVER =
  /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
/** `<namespace>.<name>` with at least two segments, each a letter then letters, digits or `-`/`_`. */
const PACK_TYPE_ID = /^[a-z][a-zA-Z0-9_-]*(\.[a-zA-Z][a-zA-Z0-9_-]*)+$/;
/** Namespaces the specification and this toolkit's fixtures own (core.md §9.1, §14.4). */
export const RESERVED_TYPE_ID_PREFIXES: readonly string[] = ["core.", "conformance."];
const MAX_PACK_NAME_LENGTH = 214;
const MAX_TYPE_ID_LENGTH = 128;

/** Whether `typeId` is a type id a pack may define: dotted, multi-segment, outside the reserved namespaces. */
export function isPackTypeId(typeId: string): boolean {
  return (
    typeId.length <= MAX_TYPE_ID_LENGTH &&
    PACK_TYPE_ID.test(typeId) &&
    !RESERVED_TYPE_ID_PREFIXES.some((prefix) => typeId.startsWith(prefix))
  );
}

/** Calls a factory with the host's policies; a pack is returned as it is. */
export async function instantiateNodePack(source: NodePackSource, host: NodePackHost): Promise<NodePack> {
  return typeof source === "function" ? await source(host) : source;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.slice(0, 80));
  return value === null ? "null" : typeof value;
}

/** Checks one pack's own shape; `label` names it in messages (`pack 2 of 3`, or its name). */
function checkPack(pack: unknown, label: string): asserts pack is NodePack {
  if (typeof pack !== "object" || pack === null) {
    throw new NodePackLoadError(`${label} is not a node pack: expected {name, version, nodes}, got ${describe(pack)}`);
  }
  const { name, version, nodes } = pack as Partial<NodePack>;
  if (typeof name !== "string" || name.length > MAX_PACK_NAME_LENGTH || !PACK_NAME.test(name)) {
    throw new NodePackLoadError(`${label}: name ${describe(name)} is not a package name such as "acme-http"`);
  }
  if (typeof version !== "string" || !SEMVER.test(version)) {
    throw new NodePackLoadError(`pack ${name}: version ${describe(version)} is not a semantic version such as "1.2.0"`);
  }
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new NodePackLoadError(`pack ${name}@${version}: nodes must be a non-empty array of node types`);
  }
  const seen = new Set<string>();
  for (const node of nodes as unknown[]) {
    const typeId = (node as Partial<NodeType> | null)?.typeId;
    if (typeof typeId !== "string" || typeof (node as Partial<NodeType>).execute !== "function") {
      throw new NodePackLoadError(`pack ${name}@${version}: every node needs a string typeId and an execute function`);
    }
    if (RESERVED_TYPE_ID_PREFIXES.some((prefix) => typeId.startsWith(prefix))) {
      throw new NodePackLoadError(
        `pack ${name}@${version}: node type ${typeId} is in a reserved namespace (${RESERVED_TYPE_ID_PREFIXES.join(", ")}); name it <pack>.<name>`,
      );
    }
    if (!isPackTypeId(typeId)) {
      throw new NodePackLoadError(
        `pack ${name}@${version}: node type ${describe(typeId)} is not a dotted multi-segment id such as "acme.fetch"`,
      );
    }
    if (seen.has(typeId)) throw new NodePackLoadError(`pack ${name}@${version}: node type ${typeId} is listed twice`);
    seen.add(typeId);
    const requires = (node as Partial<NodeType>).requires;
    if (requires !== undefined && (!Array.isArray(requires) || !requires.every((r) => typeof r === "string" && r))) {
      throw new NodePackLoadError(`pack ${name}@${version}: node type ${typeId}: requires must be an array of ids`);
    }
  }
}

/**
 * Registers every node type of `packs` in `registry`, all or nothing, and returns what
 * `GET /v1/packs` lists, sorted by pack name and type id. Refused, before anything is
 * registered: a value that is not a pack, a bad name or version, a type id that is not
 * dotted or is reserved (`core.`, `conformance.`), one pack loaded twice (in one version or
 * two), and a type id that another pack or the host already provides.
 *
 * @example
 * const registry = createBuiltinRegistry();
 * const loaded = loadNodePacks(registry, [httpJsonPack]);
 */
export function loadNodePacks(registry: NodeRegistry, packs: readonly unknown[]): LoadedNodePack[] {
  const byName = new Map<string, NodePack>();
  const owners = new Map<string, NodePack>();
  packs.forEach((pack, index) => {
    checkPack(pack, `pack ${index + 1} of ${packs.length}`);
    const earlier = byName.get(pack.name);
    if (earlier) {
      throw new NodePackLoadError(
        earlier.version === pack.version
          ? `pack ${pack.name}@${pack.version} is loaded twice: list it once`
          : `pack ${pack.name} is loaded in two versions, ${earlier.version} and ${pack.version}: load one of them`,
      );
    }
    byName.set(pack.name, pack);
    for (const node of pack.nodes) {
      const owner = owners.get(node.typeId);
      if (owner) {
        throw new NodePackLoadError(
          `node type ${node.typeId} is provided by two packs, ${owner.name}@${owner.version} and ${pack.name}@${pack.version}: load only one of them`,
        );
      }
      if (registry.has(node.typeId)) {
        throw new NodePackLoadError(
          `pack ${pack.name}@${pack.version}: node type ${node.typeId} is already registered by the host`,
        );
      }
      owners.set(node.typeId, pack);
    }
  });
  for (const pack of byName.values()) for (const node of pack.nodes) registry.register(node);
  return [...byName.values()]
    .map((pack) => ({
      name: pack.name,
      version: pack.version,
      nodeTypes: pack.nodes
        .map((node) => ({
          typeId: node.typeId,
          ...(node.requires && node.requires.length > 0 ? { requires: [...node.requires] } : {}),
        }))
        .sort((a, b) => (a.typeId < b.typeId ? -1 : 1)),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
