import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "./builtin.js";
import { instantiateNodePack, isPackTypeId, loadNodePacks, NodePackLoadError, type NodePack } from "./packs.js";
import type { NodeType } from "./types.js";

const node = (typeId: string, requires?: string[]): NodeType => ({
  typeId,
  ...(requires ? { requires } : {}),
  execute: () => ({ kind: "completed", outputs: {} }),
});
const pack = (name: string, version: string, ...typeIds: string[]): NodePack => ({
  name,
  version,
  nodes: typeIds.map((id) => node(id)),
});

describe("loadNodePacks", () => {
  it("registers every node type and lists the packs sorted, with their requirements", () => {
    const registry = createBuiltinRegistry();
    const loaded = loadNodePacks(registry, [
      { name: "zeta", version: "2.0.0-rc.1", nodes: [node("zeta.b", ["net.outbound"]), node("zeta.a")] },
      pack("@acme/alpha", "1.0.0", "alpha.run"),
    ]);
    expect(loaded).toEqual([
      { name: "@acme/alpha", version: "1.0.0", nodeTypes: [{ typeId: "alpha.run" }] },
      {
        name: "zeta",
        version: "2.0.0-rc.1",
        nodeTypes: [{ typeId: "zeta.a" }, { typeId: "zeta.b", requires: ["net.outbound"] }],
      },
    ]);
    expect(registry.has("zeta.b")).toBe(true);
    expect(registry.has("alpha.run")).toBe(true);
    expect(loadNodePacks(createBuiltinRegistry(), [])).toEqual([]);
  });

  it.each<[string, unknown[], RegExp]>([
    ["a non-object", [42], /pack 1 of 1 is not a node pack/],
    ["a bad name", [pack("Not A Name", "1.0.0", "x.y")], /is not a package name/],
    ["a bad version", [pack("a", "1.0", "a.b")], /version "1.0" is not a semantic version/],
    ["no nodes", [pack("a", "1.0.0")], /non-empty array/],
    ["a reserved core id", [pack("a", "1.0.0", "core.fetch")], /core\.fetch is in a reserved namespace/],
    ["a reserved conformance id", [pack("a", "1.0.0", "conformance.x")], /reserved namespace/],
    ["a single-segment id", [pack("a", "1.0.0", "fetch")], /"fetch" is not a dotted multi-segment id/],
    ["an id listed twice", [pack("a", "1.0.0", "a.x", "a.x")], /a\.x is listed twice/],
    [
      "two versions of one pack",
      [pack("a", "1.0.0", "a.x"), pack("a", "1.1.0", "a.y")],
      /pack a is loaded in two versions, 1\.0\.0 and 1\.1\.0/,
    ],
    ["one pack twice", [pack("a", "1.0.0", "a.x"), pack("a", "1.0.0", "a.x")], /a@1\.0\.0 is loaded twice/],
    [
      "a type id of two packs",
      [pack("a", "1.0.0", "shared.x"), pack("b", "3.0.0", "shared.x")],
      /shared\.x is provided by two packs, a@1\.0\.0 and b@3\.0\.0/,
    ],
  ])("refuses %s and registers nothing", (_, packs, message) => {
    const registry = createBuiltinRegistry();
    const before = registry.typeIds();
    expect(() => loadNodePacks(registry, packs)).toThrow(NodePackLoadError);
    expect(() => loadNodePacks(registry, packs)).toThrow(message);
    expect(registry.typeIds()).toEqual(before);
  });

  it("refuses a type id the host registered already", () => {
    const registry = createBuiltinRegistry().register(node("host.own"));
    expect(() => loadNodePacks(registry, [pack("a", "1.0.0", "host.own")])).toThrow(
      /host\.own is already registered by the host/,
    );
  });

  it("judges type ids", () => {
    expect(["http.request", "acme.sub.fetch", "a.b-c_d"].every(isPackTypeId)).toBe(true);
    expect(["http", "core.x", "Http.request", "a..b", "a.", "1a.b", "conformance.flaky"].some(isPackTypeId)).toBe(
      false,
    );
  });

  it("calls a factory with the host's policies", async () => {
    const made = await instantiateNodePack(
      (host) => pack("f", "1.0.0", host.allowPrivateAddresses ? "f.private" : "f.public"),
      { allowPrivateAddresses: true },
    );
    expect(made.nodes.map((n) => n.typeId)).toEqual(["f.private"]);
    const plain = pack("p", "1.0.0", "p.x");
    expect(await instantiateNodePack(plain, { allowPrivateAddresses: false })).toBe(plain);
  });
});
