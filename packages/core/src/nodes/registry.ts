import type { NodeType } from "./types.js";

/** The node types a host can execute, by typeId. */
export class NodeRegistry {
  readonly #types = new Map<string, NodeType>();

  constructor(types: Iterable<NodeType> = []) {
    for (const type of types) this.register(type);
  }

  register(type: NodeType): this {
    if (!/^[a-z][a-zA-Z0-9._-]*$/.test(type.typeId)) {
      throw new Error(`node typeId "${type.typeId}" is not a valid typeId`);
    }
    if (this.#types.has(type.typeId)) throw new Error(`node type ${type.typeId} is registered twice`);
    this.#types.set(type.typeId, type);
    return this;
  }

  get(typeId: string): NodeType | undefined {
    return this.#types.get(typeId);
  }

  has(typeId: string): boolean {
    return this.#types.has(typeId);
  }

  typeIds(): string[] {
    return [...this.#types.keys()].sort();
  }
}
