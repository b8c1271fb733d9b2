import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NodePackSource } from "@openwop/core";
import { createMemoryAdapter } from "@openwop/storage-memory";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startOpenWopHost, type HostOptions, type RunningHost } from "./host.js";
import { HostConfigError, resolveHostSettings, type HostSettings } from "./settings/host-settings.js";
import { readHostSettings } from "./settings/environment.js";
import { RunProbe } from "./testing/run-probe.js";

const implementation = { name: "packs-test", version: "0.0.0" };
const KEY = "hk_test_packs_suite";

/** A pack module as a host author would ship one: a default export of {name, version, nodes}. */
const greetPack = (name: string, version: string, typeId = "acme.greet") => `
export default (host) => ({
  name: ${JSON.stringify(name)},
  version: ${JSON.stringify(version)},
  nodes: [{
    typeId: ${JSON.stringify(typeId)},
    execute: ({ inputs }) => ({
      kind: "completed",
      outputs: { greeting: "hello " + inputs.who, privateAllowed: host.allowPrivateAddresses },
    }),
  }],
});
`;

const greetWorkflow = {
  id: "greet",
  name: "Greet",
  version: "1.0.0",
  nodes: [
    {
      id: "hello",
      typeId: "acme.greet",
      name: "hello",
      position: { x: 0, y: 0 },
      config: {},
      inputs: { who: { type: "variable", variableName: "who" } },
    },
  ],
  edges: [],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [{ name: "who", type: "string", required: true }],
  metadata: {},
  settings: {},
};

describe("node packs loaded at start (OPENWOP_NODE_PACKS and code)", () => {
  let dir: string;
  let workflowsDir: string;
  let host: RunningHost | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-packs-"));
    await writeFile(join(dir, "greet.mjs"), greetPack("acme-greet", "1.2.0"));
    await writeFile(join(dir, "greet-2.mjs"), greetPack("acme-greet", "2.0.0", "acme.greet2"));
    await writeFile(join(dir, "other.mjs"), greetPack("other-greet", "1.0.0"));
    await writeFile(join(dir, "reserved.mjs"), greetPack("sneaky", "1.0.0", "core.greet"));
    await writeFile(join(dir, "no-default.mjs"), "export const pack = {};\n");
    workflowsDir = await mkdtemp(join(dir, "workflows-"));
    await writeFile(join(workflowsDir, "greet.json"), JSON.stringify(greetWorkflow));
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (settings: Partial<HostSettings>, extra: Partial<HostOptions> = {}) => {
    host = await startOpenWopHost({
      adapter: createMemoryAdapter(),
      implementation,
      settings: resolveHostSettings({ apiKey: KEY, ...settings }),
      ...extra,
    });
    return host;
  };

  it("reads the comma-separated list from the environment", () => {
    const settings = readHostSettings({ OPENWOP_NODE_PACKS: " ./a.mjs, @acme/pack ,," });
    expect(settings.nodePacks).toEqual(["./a.mjs", "@acme/pack"]);
  });

  it("loads a module path, registers its types before the workflows, and runs them with the host's policies", async () => {
    const running = await start({ nodePacks: [join(dir, "greet.mjs")], workflowsDir, webhookAllowPrivate: true });
    expect(running.nodePacks).toEqual([
      { name: "acme-greet", version: "1.2.0", nodeTypes: [{ typeId: "acme.greet" }] },
    ]);
    const probe = new RunProbe(() => running.url, KEY);
    const runId = await probe.create("greet", { who: "ada" });
    expect(await probe.waitFor(runId, ["completed", "failed"], 10_000)).toBe("completed");
    const completed = (await probe.events(runId)).find((event) => event.type === "node.completed");
    expect(completed?.payload["outputs"]).toEqual({ greeting: "hello ada", privateAllowed: true });
  });

  it("loads packs given in code beside those the environment names", async () => {
    const { default: factory } = (await import(join(dir, "other.mjs"))) as { default: NodePackSource };
    const running = await start({ nodePacks: [join(dir, "greet-2.mjs")] }, { nodePacks: [factory] });
    expect(running.nodePacks.map((pack) => `${pack.name}@${pack.version}`)).toEqual([
      "acme-greet@2.0.0",
      "other-greet@1.0.0",
    ]);
  });

  it.each([
    [["greet.mjs", "greet-2.mjs"], /pack acme-greet is loaded in two versions, 1\.2\.0 and 2\.0\.0/],
    [["greet.mjs", "other.mjs"], /node type acme\.greet is provided by two packs/],
    [["reserved.mjs"], /core\.greet is in a reserved namespace/],
    [["no-default.mjs"], /has no default export/],
    [["missing.mjs"], /cannot load .*missing\.mjs/],
  ])("refuses %j at start with a message naming the fix", async (files, message) => {
    const failure = await start({ nodePacks: files.map((file) => join(dir, file)) }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HostConfigError);
    expect((failure as Error).message).toMatch(/^OPENWOP_NODE_PACKS: /);
    expect((failure as Error).message).toMatch(message);
  });
});
