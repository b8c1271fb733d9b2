import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateConformanceResult } from "@openwop/schema";
import type { ConformanceResult } from "@openwop/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchHost, type LaunchedHost } from "../host-manifest/launch.js";
import { loadHostManifest } from "../host-manifest/manifest.js";
import { matrixCommand } from "../matrix/command.js";
import { MATRIX_PATH } from "../matrix/render-matrix.js";
import { PROFILE_IDS } from "../profiles/catalog.js";
import { paletteFor } from "../report/colour.js";
import { renderHtml } from "../report/html-report.js";
import { renderJUnit } from "../report/junit-report.js";
import { SCENARIOS } from "../scenarios/registry.js";
import type { RegistryListing } from "./registry-listing.js";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const manifestPath = fileURLToPath(new URL("../../../examples/hosts/in-memory/openwop-host.json", import.meta.url));

/** Runs the built CLI the way a user would, and collects its exit code and both streams. */
function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, NO_COLOR: "1", OPENWOP_BASE_URL: "", OPENWOP_API_KEY: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!existsSync(cli))("openwop-conformance (built CLI)", () => {
  let host: LaunchedHost | undefined;
  let dir: string;

  beforeAll(async () => {
    host = await launchHost(await loadHostManifest(manifestPath));
    dir = await mkdtemp(join(tmpdir(), "openwop-cli-"));
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 2 on an unknown flag and on an unreachable host", async () => {
    const unknown = await runCli(["--base-url", "http://127.0.0.1:9", "--api-key", "k", "--require-behaviour"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option/);
    const unreachable = await runCli(["--base-url", "http://127.0.0.1:9", "--api-key", "k"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/host unreachable/);
  });

  it("runs a filtered suite from env fallbacks, prints progress to stderr and the summary to stdout, and writes a schema-valid result", async () => {
    const json = join(dir, "result.json");
    const run = await runCli(["--filter", "discovery", "--json", json], {
      OPENWOP_BASE_URL: host?.baseUrl ?? "",
      OPENWOP_API_KEY: host?.keys.apiKey ?? "",
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^PASS discovery-document/m);
    expect(run.stdout).toMatch(/^pass 3 {2}fail 0/m);
    expect(run.stdout).not.toContain("\u001b[");
    const document = JSON.parse(await readFile(json, "utf8")) as unknown;
    expect(validateConformanceResult(document).valid).toBe(true);
    expect(JSON.stringify(document)).not.toContain(host?.keys.apiKey ?? "<no key>");
  });

  it("--profile runs one profile's set, and --junit and --html render the same document --json writes", async () => {
    const paths = { json: join(dir, "p.json"), junit: join(dir, "out", "p.xml"), html: join(dir, "out", "p.html") };
    const run = await runCli([
      "--base-url",
      host?.baseUrl ?? "",
      "--api-key",
      host?.keys.apiKey ?? "",
      "--profile",
      "openwop-stream-poll",
      "--json",
      paths.json,
      "--junit",
      paths.junit,
      "--html",
      paths.html,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(await readFile(paths.json, "utf8")) as ConformanceResult;
    expect(document.scenarios.map((scenario) => scenario.id)).toEqual(
      SCENARIOS.filter((scenario) => scenario.profiles.includes("openwop-stream-poll")).map((scenario) => scenario.id),
    );
    expect(document.profiles.find((verdict) => verdict.profile === "openwop-stream-poll")?.claimed).toBe(true);
    expect(await readFile(paths.junit, "utf8")).toBe(renderJUnit(document));
    expect(await readFile(paths.html, "utf8")).toBe(renderHtml(document));
    expect(run.stderr).toContain(`wrote ${paths.junit}`);

    // The same run's document becomes a self-reported row of a repository-like directory.
    const repo = join(dir, "repo");
    await mkdir(join(repo, "conformance", "results"), { recursive: true });
    await writeFile(join(repo, "conformance", "results", "index.json"), '{"indexVersion": 1, "hosts": []}\n');
    const io = {
      root: repo,
      cwd: dir,
      stdout: () => undefined,
      stderr: () => undefined,
      palette: paletteFor({ isTTY: false }, {}),
      env: {},
      registry: SCENARIOS,
    };
    expect(await matrixCommand(["--external", "p.json"], io)).toBe(0);
    const matrix = await readFile(join(repo, MATRIX_PATH), "utf8");
    expect(matrix).toMatch(/^\| openwop-host-in-memory \| .*✅ claimed/m);
    expect(matrix).toContain("--profile openwop-stream-poll");
    expect(await matrixCommand(["--check", "--render-only"], io)).toBe(0);
  });

  it("--list --json prints the registry: every scenario and each profile's set", async () => {
    const run = await runCli(["--list", "--json"]);
    expect(run.code).toBe(0);
    const listing = JSON.parse(run.stdout) as RegistryListing;
    expect(listing.scenarios.map((scenario) => scenario.id)).toEqual(SCENARIOS.map((scenario) => scenario.id));
    expect(listing.profiles.map((profile) => profile.id)).toEqual([...PROFILE_IDS]);
    const core = SCENARIOS.filter((scenario) => scenario.profiles.includes("openwop-core")).map(
      (scenario) => scenario.id,
    );
    expect(listing.profiles.find((profile) => profile.id === "openwop-core")?.scenarios).toEqual(core);
  });
});
