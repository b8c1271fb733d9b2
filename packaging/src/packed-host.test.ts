import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// docs/host-authoring.md, followed as a host author would: the public packages packed, the
// tarballs installed with npm in an empty folder outside the workspace (so nothing resolves
// through pnpm's links or the `@openwop/source` condition), the guide's host.mjs run from
// there, and the packed conformance suite run against it.

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const guide = join(root, "docs", "host-authoring.md");
const CLAIMED = ["openwop-core", "openwop-stream-sse", "openwop-interrupts"];

interface WorkspacePackage {
  name: string;
  path: string;
  private?: boolean;
}

/**
 * Every workspace package a host author could install: those not marked private. pnpm knows
 * the workspace globs, as in scripts/package-hygiene.mjs, which judges the same set.
 */
function publicPackages(): WorkspacePackage[] {
  const listed = JSON.parse(mustRun("pnpm", ["-r", "ls", "--depth", "-1", "--json"], root)) as WorkspacePackage[];
  return listed.filter((entry) => entry.private !== true);
}

/** The guide's first ```js block: the complete host.mjs it promises. */
function hostFileFromGuide(): string {
  const match = /```js\n([\s\S]*?)```/.exec(readFileSync(guide, "utf8"));
  if (!match?.[1]) throw new Error("docs/host-authoring.md has no ```js block");
  return match[1];
}

function mustRun(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) exited ${result.status}:\n${result.stderr}${result.stdout}`,
    );
  return result.stdout;
}

/** Resolves with the URL the host prints, or rejects with what it said before exiting. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let said = "";
    const onData = (chunk: Buffer): void => {
      said += chunk.toString("utf8");
      const found = /openwop host listening on (\S+)/.exec(said);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`host.mjs exited ${code} before listening:\n${said}`)));
  });
}

describe("the packed packages, installed outside the workspace (docs/host-authoring.md)", () => {
  const work = mkdtempSync(join(tmpdir(), "openwop-packed-"));
  const tarballs = join(work, "tarballs");
  const app = join(work, "app");
  const apiKey = `owk_${randomBytes(24).toString("hex")}`;
  const packages = publicPackages();
  let host: ChildProcess | undefined;
  let url = "";

  beforeAll(async () => {
    expect(relative(root, work).startsWith(".."), "the install folder must be outside the workspace").toBe(true);
    const packed: Record<string, string> = {};
    for (const { name, path } of packages) {
      const before = new Set(existsSync(tarballs) ? readdirSync(tarballs) : []);
      mustRun("pnpm", ["pack", "--pack-destination", tarballs], path);
      const created = readdirSync(tarballs).filter((file) => !before.has(file));
      if (created.length !== 1 || !created[0]) throw new Error(`pnpm pack in ${path} made ${created.join(", ")}`);
      packed[name] = `file:${join(tarballs, created[0])}`;
    }
    // Overrides make every @openwop/* dependency between the tarballs resolve to the
    // tarball, never to a registry copy of the same name.
    mkdirSync(app, { recursive: true });
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "packed-host", private: true, type: "module", dependencies: packed, overrides: packed }),
    );
    mustRun("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], app);
    writeFileSync(join(app, "host.mjs"), hostFileFromGuide());
    host = spawn(process.execPath, ["host.mjs"], {
      cwd: app,
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? app,
        PORT: "0",
        OPENWOP_API_KEY: apiKey,
        OPENWOP_SQLITE_PATH: join(app, "data", "openwop.db"),
        OPENWOP_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await listeningUrl(host);
  }, 600_000);

  afterAll(() => {
    host?.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  it("installs every public package from its tarball, none from the workspace", () => {
    expect(packages.length, "public packages found").toBeGreaterThan(0);
    for (const { name } of packages) {
      const installed = join(app, "node_modules", ...name.split("/"));
      expect(existsSync(join(installed, "package.json")), `${name} installed`).toBe(true);
      const text = readFileSync(join(installed, "package.json"), "utf8");
      expect(text, `${name}: workspace: ranges are replaced when packing`).not.toContain("workspace:");
    }
  });

  it("the guide's host.mjs answers discovery with the name it gave", async () => {
    const response = await fetch(new URL("/.well-known/openwop", url));
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as { implementation?: { name?: string } };
    expect(discovery.implementation?.name).toBe("my-openwop-host");
  });

  it("passes the packed conformance suite, claiming the core, stream and interrupt profiles", () => {
    const resultFile = join(work, "result.json");
    const bin = join(app, "node_modules", ".bin", "openwop-conformance");
    const run = spawnSync(
      bin,
      [
        "--base-url",
        url,
        "--api-key",
        apiKey,
        "--profile",
        CLAIMED.join(","),
        "--json",
        resultFile,
        "--timeout-scale",
        "3",
      ],
      { cwd: app, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 600_000 },
    );
    expect(run.status, `openwop-conformance exited ${run.status}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as {
      profiles: { profile: string; claimed: boolean; reason: string }[];
    };
    for (const profile of CLAIMED) {
      const verdict = result.profiles.find((entry) => entry.profile === profile);
      expect(verdict?.claimed, `${profile}: ${verdict?.reason ?? "no verdict"}`).toBe(true);
    }
  }, 600_000);
});
