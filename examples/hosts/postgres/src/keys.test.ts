import { fileURLToPath } from "node:url";
import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { bearer, request, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = "hk_test_keys_postgres";

describe("postgres host: key changes reach every process within a second", () => {
  let server: PostgresServer;
  let databaseUrl: string;
  const hosts: HostProcess[] = [];
  const spawnHost = async (): Promise<HostProcess> => {
    const host = await spawnHostProcess(ENTRY, { DATABASE_URL: databaseUrl, OPENWOP_API_KEY: API_KEY });
    hosts.push(host);
    return host;
  };

  beforeAll(async () => {
    server = await startPostgres();
    databaseUrl = await server.createDatabase("openwop_keys");
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.kill("SIGKILL")));
    await server?.stop();
  });

  /** How long after `since` the peer first refuses `key`; fails past `boundMs`. */
  async function refusedWithin(
    peer: HostProcess,
    key: string,
    code: string,
    since: number,
    boundMs: number,
  ): Promise<number> {
    for (;;) {
      const answer = await request(peer.url, "/v1/keys/self", { headers: bearer(key) });
      const elapsed = Date.now() - since;
      if (answer.status === 401) {
        expect((answer.json as { error: string }).error).toBe(code);
        return elapsed;
      }
      expect(answer.status, answer.text).toBe(200);
      if (elapsed > boundMs) throw new Error(`the peer still accepted the key ${elapsed} ms after the change`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("a key revoked on one process is refused by the other within one second", async () => {
    const [a, b] = [await spawnHost(), await spawnHost()];
    const issued = await request(a.url, "/v1/keys", {
      method: "POST",
      headers: bearer(API_KEY),
      body: { scopes: ["runs:read"] },
    });
    expect(issued.status, issued.text).toBe(201);
    const { key, keyId } = issued.json as { key: string; keyId: string };
    // B has the key cached: it authenticated with it just now.
    expect((await request(b.url, "/v1/keys/self", { headers: bearer(key) })).status).toBe(200);
    const revokedAt = Date.now();
    expect((await request(a.url, `/v1/keys/${keyId}`, { method: "DELETE", headers: bearer(API_KEY) })).status).toBe(
      204,
    );
    expect(await refusedWithin(b, key, "key_revoked", revokedAt, 1_000)).toBeLessThanOrEqual(1_000);
  });

  it("a rotation's end of grace holds on the other process within one second of graceUntil", async () => {
    const [a, b] = hosts as [HostProcess, HostProcess];
    const issued = (
      await request(a.url, "/v1/keys", { method: "POST", headers: bearer(API_KEY), body: { scopes: ["runs:read"] } })
    ).json as { key: string; keyId: string };
    expect((await request(b.url, "/v1/keys/self", { headers: bearer(issued.key) })).status).toBe(200);
    const rotated = await request(a.url, `/v1/keys/${issued.keyId}/rotate`, {
      method: "POST",
      headers: bearer(API_KEY),
      body: { graceSeconds: 1 },
    });
    expect(rotated.status, rotated.text).toBe(201);
    const { key: successor, graceUntil } = rotated.json as { key: string; graceUntil: string };
    expect((await request(b.url, "/v1/keys/self", { headers: bearer(successor) })).status).toBe(200);
    const graceEnds = Date.parse(graceUntil);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, graceEnds - Date.now())));
    expect(await refusedWithin(b, issued.key, "key_expired", graceEnds, 1_000)).toBeLessThanOrEqual(1_000);
    expect((await request(b.url, "/v1/keys/self", { headers: bearer(successor) })).status).toBe(200);
  });
});
