import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bearer, eventually, request, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("sqlite host: configured keys are reconciled at every start", () => {
  let dir: string;
  let host: HostProcess | undefined;

  const start = async (env: Record<string, string>): Promise<HostProcess> => {
    await host?.kill("SIGTERM");
    host = await spawnHostProcess(ENTRY, { OPENWOP_SQLITE_PATH: join(dir, "openwop.db"), ...env });
    return host;
  };
  const status = async (key: string): Promise<number> =>
    (await request((host as HostProcess).url, "/v1/keys/self", { headers: bearer(key) })).status;
  /** Resolves once standard error carries the start-up report line `pattern`. */
  const said = (pattern: RegExp): Promise<void> =>
    eventually(() => pattern.test((host as HostProcess).stderr()), `stderr to say ${pattern}`);
  const codeFor = async (key: string): Promise<string | undefined> =>
    ((await request((host as HostProcess).url, "/v1/keys/self", { headers: bearer(key) })).json as { error?: string })
      .error;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-keys-"));
  });
  afterAll(async () => {
    await host?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps one valid bootstrap key: a changed, removed or generated key retires the previous one", async () => {
    const env = (apiKey?: string): Record<string, string> =>
      apiKey ? { OPENWOP_API_KEY: apiKey } : { OPENWOP_API_KEY: "" };
    const a = "hk_test_bootstrap_a_0123456789";
    const b = "hk_test_bootstrap_b_0123456789";

    await start(env(a));
    expect(await status(a)).toBe(200);
    await said(/bootstrap key \S+ from OPENWOP_API_KEY stored/);

    await start(env(a));
    expect(await status(a)).toBe(200);
    await said(/is already stored and stays the bootstrap key/);

    await start(env(b));
    expect(await status(b)).toBe(200);
    expect(await codeFor(a)).toBe("key_revoked");
    await said(/previous bootstrap key \S+ revoked/);

    const printedKey = async (started: HostProcess): Promise<string> => {
      await eventually(() => /bootstrap api key: \S+\n/.test(started.stdout()), "the printed bootstrap key");
      return /bootstrap api key: (\S+)/.exec(started.stdout())?.[1] as string;
    };
    const printed = await printedKey(await start(env()));
    expect(printed).toMatch(/^hk_test_/);
    expect(await status(printed)).toBe(200);
    expect(await codeFor(b)).toBe("key_revoked");

    const printedAgain = await printedKey(await start(env()));
    expect(printedAgain).not.toBe(printed);
    expect(await status(printedAgain)).toBe(200);
    expect(await codeFor(printed)).toBe("key_revoked");

    // A retired key stays revoked when the configuration names it again.
    await start(env(a));
    expect(await codeFor(a)).toBe("key_revoked");
    await said(/was revoked earlier and stays revoked/);
  });

  it("revokes a configured extra key once the configuration drops it", async () => {
    const admin = "hk_test_admin_0123456789";
    const extra = "hk_test_extra_0123456789";
    await start({
      OPENWOP_API_KEY: admin,
      OPENWOP_EXTRA_API_KEYS: JSON.stringify([{ key: extra, tenant: "tenant-b", scopes: ["runs:read"] }]),
    });
    expect(await status(extra)).toBe(200);
    await start({ OPENWOP_API_KEY: admin, OPENWOP_EXTRA_API_KEYS: "[]" });
    expect(await codeFor(extra)).toBe("key_revoked");
    await said(/configured key \S+ revoked \(no longer in OPENWOP_EXTRA_API_KEYS\)/);
    expect(await status(admin)).toBe(200);
  });
});
