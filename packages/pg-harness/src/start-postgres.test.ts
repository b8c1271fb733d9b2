import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPostgresBinaries, PostgresNotInstalledError } from "./binaries.js";
import { startPostgres, withPostgres, type PostgresServer } from "./start-postgres.js";

const run = promisify(execFile);
const psqlBinary = findPostgresBinaries().psql;

/** `psql` rather than `pg`: this package has no dependencies, and psql ships with the server. */
async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await run(psqlBinary, ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]);
  return stdout.trim();
}

describe("startPostgres", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("serves its default database on a loopback URL", async () => {
    expect(server.url).toBe(`postgres://openwop@127.0.0.1:${server.port}/openwop`);
    expect(await psql(server.url, "select 1")).toBe("1");
    expect(Number(await psql(server.url, "show max_connections"))).toBeGreaterThanOrEqual(200);
    expect(await psql(server.url, "show listen_addresses")).toBe("127.0.0.1");
    expect(
      await psql(
        server.url,
        "select pg_encoding_to_char(encoding) from pg_database where datname = current_database()",
      ),
    ).toBe("UTF8");
  });

  it("creates databases on demand", async () => {
    const url = await server.createDatabase("harness_check");
    expect(url).toBe(`postgres://openwop@127.0.0.1:${server.port}/harness_check`);
    expect(await psql(url, "select current_database()")).toBe("harness_check");
  });

  it("rejects database names that would need quoting", async () => {
    await expect(server.createDatabase("bad name; drop")).rejects.toThrow(/invalid database name/);
  });

  it("stops and starts again on the same port and data", async () => {
    await psql(server.url, "create table survives (x int); insert into survives values (42)");
    await server.stopServer();
    await expect(psql(server.url, "select 1")).rejects.toThrow();
    await server.startServer();
    expect(await psql(server.url, "select x from survives")).toBe("42");
  });
});

describe("stop", () => {
  it("removes the directory and tolerates a second call", async () => {
    const server = await startPostgres();
    expect(existsSync(server.dataDir)).toBe(true);
    await server.stop();
    expect(existsSync(server.rootDir)).toBe(false);
    await server.stop();
  });
});

describe("withPostgres", () => {
  it("hands the server to the callback and cleans up after it", async () => {
    let rootDir = "";
    const answer = await withPostgres(async (server) => {
      rootDir = server.rootDir;
      return psql(server.url, "select 40 + 2");
    });
    expect(answer).toBe("42");
    expect(existsSync(rootDir)).toBe(false);
  });
});

describe("findPostgresBinaries", () => {
  it("names the package to install when nothing is found", () => {
    expect(() => findPostgresBinaries("/nonexistent/pg/bin")).toThrow(PostgresNotInstalledError);
    expect(() => findPostgresBinaries("/nonexistent/pg/bin")).toThrow(/apt-get install -y postgresql/);
  });
});
