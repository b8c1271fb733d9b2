import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadHostManifest } from "../host-manifest/manifest.js";
import { runHostForMatrix } from "./run-host.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function manifestWith(start: { command: string; args: string[] }) {
  const dir = await mkdtemp(join(tmpdir(), "openwop-manifest-"));
  dirs.push(dir);
  const path = join(dir, "openwop-host.json");
  await writeFile(
    path,
    JSON.stringify({
      manifestVersion: 1,
      name: "broken",
      storage: "sqlite",
      start,
      port: 1,
      env: { PORT: "${PORT}" },
      readiness: { url: "http://127.0.0.1:${PORT}/.well-known/openwop", timeoutMs: 3000 },
      bootstrapKey: { env: "OPENWOP_API_KEY" },
    }),
  );
  return { loaded: await loadHostManifest(path), root: dir };
}

describe("runHostForMatrix with a host that cannot start", () => {
  const options = { timeoutScale: 1, log: () => undefined };

  it("records an unbuilt host as not run instead of crashing", async () => {
    const { loaded, root } = await manifestWith({ command: "node", args: ["dist/main.js"] });
    expect(await runHostForMatrix(loaded, root, options)).toEqual({
      entry: {
        name: "broken",
        manifest: "openwop-host.json",
        storage: "sqlite",
        status: "not-run",
        reason: "not built: dist/main.js is missing",
      },
    });
  });

  it("records a host that exits at start as not run, with a stable reason", async () => {
    const { loaded, root } = await manifestWith({ command: process.execPath, args: ["-e", "process.exit(3)"] });
    const run = await runHostForMatrix(loaded, root, options);
    expect(run.result).toBeUndefined();
    expect(run.entry).toMatchObject({ status: "not-run", reason: "host exited before it was ready" });
  });
});
