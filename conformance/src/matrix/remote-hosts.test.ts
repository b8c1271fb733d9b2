import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateConformanceResult } from "@openwop/schema";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchHost, type LaunchedHost } from "../host-manifest/launch.js";
import { loadHostManifest } from "../host-manifest/manifest.js";
import { paletteFor } from "../report/colour.js";
import { SCENARIOS } from "../scenarios/registry.js";
import { matrixCommand } from "./command.js";
import { INDEX_PATH } from "./matrix-index.js";
import { REMOTE_HOSTS_PATH, loadRemoteHosts, runRemoteHost } from "./remote-hosts.js";
import { MATRIX_PATH } from "./render-matrix.js";
import { findRepoRoot } from "./repo-root.js";

const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
const manifestPath = join(root, "examples", "hosts", "in-memory", "openwop-host.json");

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function repoWithHosts(hosts: unknown): Promise<string> {
  const repo = await mkdtemp(join(tmpdir(), "openwop-remote-"));
  dirs.push(repo);
  await mkdir(join(repo, "conformance"), { recursive: true });
  await writeFile(join(repo, REMOTE_HOSTS_PATH), JSON.stringify(hosts));
  return repo;
}

describe("conformance/hosts.json", () => {
  it("the committed file is valid", async () => {
    await expect(loadRemoteHosts(root)).resolves.toBeInstanceOf(Array);
  });

  it("refuses keys in the file, unknown members, bad names and repeated hosts", async () => {
    const host = { name: "acme", baseUrl: "https://acme.example", apiKeyEnv: "ACME_KEY" };
    const refusals: Array<[unknown, RegExp]> = [
      [{ hosts: [] }, /hostsVersion/],
      [{ hostsVersion: 1, hosts: [{ ...host, apiKey: "hk_secret" }] }, /unknown member apiKey/],
      [{ hostsVersion: 1, hosts: [{ ...host, name: "Acme Host" }] }, /name must be a kebab-case name/],
      [{ hostsVersion: 1, hosts: [{ ...host, apiKeyEnv: "acme key" }] }, /apiKeyEnv must be an environment variable/],
      [{ hostsVersion: 1, hosts: [{ ...host, baseUrl: "ftp://x" }] }, /baseUrl must be an http\(s\) URL/],
      [{ hostsVersion: 1, hosts: [host, host] }, /names acme twice/],
    ];
    for (const [file, message] of refusals)
      await expect(loadRemoteHosts(await repoWithHosts(file))).rejects.toThrow(message);
  });

  it("pnpm matrix records a host whose key variable is unset as not run: no key", async () => {
    const repo = await repoWithHosts({
      hostsVersion: 1,
      hosts: [{ name: "acme", baseUrl: "https://acme.example", apiKeyEnv: "ACME_OPENWOP_KEY" }],
    });
    const code = await matrixCommand([], {
      root: repo,
      stdout: () => undefined,
      stderr: () => undefined,
      palette: paletteFor({ isTTY: false }, {}),
      env: {},
      registry: SCENARIOS,
      cwd: repo,
    });
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(join(repo, INDEX_PATH), "utf8"))).toEqual({
      indexVersion: 1,
      hosts: [
        {
          name: "acme",
          manifest: REMOTE_HOSTS_PATH,
          storage: "remote",
          status: "not-run",
          reason: "no key (ACME_OPENWOP_KEY is not set)",
        },
      ],
    });
    expect(await readFile(join(repo, MATRIX_PATH), "utf8")).toContain(
      "Not run: no key (ACME_OPENWOP_KEY is not set). Every profile is unclaimed",
    );
  });
});

describe("runRemoteHost against a host reachable over HTTP", () => {
  let host: LaunchedHost | undefined;
  beforeAll(async () => {
    host = await launchHost(await loadHostManifest(manifestPath));
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
  });

  it("runs the suite with the key from its variable and never records the key", async () => {
    const key = host?.keys.apiKey ?? "";
    const run = await runRemoteHost(
      { name: "reachable", baseUrl: host?.baseUrl ?? "", apiKeyEnv: "REACHABLE_KEY" },
      {
        timeoutScale: 2,
        env: { REACHABLE_KEY: key },
        log: () => undefined,
        scenarios: SCENARIOS.filter((scenario) => scenario.id.startsWith("discovery-")),
      },
    );
    expect(run.entry).toEqual({ name: "reachable", manifest: REMOTE_HOSTS_PATH, storage: "remote", status: "ran" });
    expect(validateConformanceResult(run.result).valid).toBe(true);
    expect(run.result?.scenarios.every((scenario) => scenario.outcome === "pass")).toBe(true);
    expect(JSON.stringify(run.result)).not.toContain(key);
  });

  it("records an unreachable host as not run with a stable reason", async () => {
    const run = await runRemoteHost(
      { name: "gone", baseUrl: "http://127.0.0.1:9", apiKeyEnv: "GONE_KEY" },
      { timeoutScale: 1, env: { GONE_KEY: "k" }, log: () => undefined },
    );
    expect(run.entry).toMatchObject({ status: "not-run", reason: "host unreachable or discovery unusable" });
  });
});
