import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunProbe } from "@openwop/server/testing";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeCliCommands } from "./testing/commands-suite.js";
import { OPENWOP_LIBRARY, parseJson, runOpenwop, startTestHost, type TestHost } from "./testing/openwop.js";

type Library = typeof import("./index.js");
const ESCAPE = "\u001b[";

describeCliCommands("in-memory");

describe("openwop on its own: usage, output and configuration (in-memory host)", () => {
  let host: TestHost;
  let configHome: string;
  let library: Library;

  beforeAll(async () => {
    host = await startTestHost("in-memory");
    configHome = await mkdtemp(join(tmpdir(), "openwop-cli-config-"));
    library = (await import(OPENWOP_LIBRARY)) as Library;
    await new RunProbe(() => host.url, host.apiKey).create("conformance-noop");
  });
  afterAll(async () => {
    await host?.close();
    await rm(configHome, { recursive: true, force: true });
  });

  const openwop = (args: readonly string[], env: Record<string, string> = {}) => runOpenwop(args, { configHome, env });
  const connected = { OPENWOP_BASE_URL: "", OPENWOP_API_KEY: "" };
  beforeAll(() => {
    connected.OPENWOP_BASE_URL = host.url;
    connected.OPENWOP_API_KEY = host.apiKey;
  });

  it("exits 2 on usage errors, commander's included, with nothing on standard output", async () => {
    for (const args of [
      ["runs", "list", "--bogus"],
      ["runs", "get"],
      ["runs", "list", "--limit", "0"],
      ["runs", "list", "--status", "sleeping"],
      ["runs", "create", "conformance-noop", "--input", "novalue"],
      ["no-such-command"],
      ["runs"],
      [],
    ]) {
      const result = await openwop(args, connected);
      expect(result.code, `openwop ${args.join(" ")}\n${result.stderr}`).toBe(2);
      expect(result.stdout, `openwop ${args.join(" ")}`).toBe("");
    }
    const unconfigured = await openwop(["runs", "list"]);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toMatch(/no host to talk to: pass --base-url/);
  });

  it("exits 1 with a readable line when the host cannot be reached", async () => {
    const result = await openwop(["runs", "list", "--base-url", "http://127.0.0.1:9", "--api-key", "k"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*is the host running/m);
  });

  it("--help on every command answers 0 with an example", async () => {
    const paths: string[][] = [];
    const walk = (command: Command, path: string[]) => {
      paths.push(path);
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    };
    walk(
      library.buildProgram({
        env: {},
        stdout: { write: () => true },
        stderr: { write: () => true },
        signal: new AbortController().signal,
      }),
      [],
    );
    expect(paths.length).toBeGreaterThan(30);
    // A few at a time, so a loaded machine is not asked for forty Node processes at once.
    const results: Awaited<ReturnType<typeof openwop>>[] = [];
    for (let start = 0; start < paths.length; start += 8) {
      results.push(...(await Promise.all(paths.slice(start, start + 8).map((path) => openwop([...path, "--help"])))));
    }
    results.forEach((result, index) => {
      const label = `openwop ${paths[index]?.join(" ")} --help`;
      expect(result.code, label).toBe(0);
      expect(result.stdout, label).toMatch(/\nExamples?:\n {2}\$ openwop /);
    });
  });

  it("--json: standard output is one JSON document and nothing else, success or refusal", async () => {
    for (const args of [
      ["runs", "list", "--json"],
      ["keys", "whoami", "--json"],
      ["runs", "get", "no-such-run", "--json"],
      ["doctor", "--json"],
      ["profile", "list", "--json"],
    ]) {
      const result = await openwop(args, connected);
      expect(() => parseJson(result), `openwop ${args.join(" ")}`).not.toThrow();
      expect(result.stdout).not.toContain(ESCAPE);
    }
    const missing = parseJson(await openwop(["runs", "get", "no-such-run", "--json"], connected));
    expect(missing).toMatchObject({ error: "not_found", message: expect.any(String) });
  });

  it("colours tables only on a terminal, and never when NO_COLOR is set to anything", async () => {
    const run = async (env: Record<string, string | undefined>) => {
      let stdout = "";
      const tty = {
        isTTY: true,
        write: (text: string) => {
          stdout += text;
          return true;
        },
      };
      const code = await library.runCli(["runs", "list", "--base-url", host.url, "--api-key", host.apiKey], {
        env,
        stdout: tty,
        stderr: { isTTY: true, write: () => true },
        signal: new AbortController().signal,
      });
      expect(code).toBe(0);
      return stdout;
    };
    expect(await run({})).toContain(ESCAPE);
    expect(await run({ NO_COLOR: "1" })).not.toContain(ESCAPE);
    expect(await run({ NO_COLOR: "" })).not.toContain(ESCAPE);
    // The binary's standard output is a pipe here: no colour either way.
    const piped = await openwop(["runs", "list"], connected);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^RUN\s+WORKFLOW/);
    expect(piped.stdout + piped.stderr).not.toContain(ESCAPE);
  });

  it("writes profiles with mode 0600 and never lists a key in full", async () => {
    const saved = await openwop(["profile", "set", "default", "--base-url", host.url, "--api-key", host.apiKey]);
    expect(saved.code, saved.stderr).toBe(0);
    const file = join(configHome, "openwop", "profiles.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(configHome, "openwop"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      profiles: { default: { baseUrl: host.url, apiKey: host.apiKey } },
    });
    expect(saved.stdout + saved.stderr).not.toContain(host.apiKey);

    const listed = await openwop(["profile", "list"]);
    expect(listed.stdout).toMatch(/^NAME\s+BASE URL\s+API KEY$/m);
    expect(listed.stdout).toContain(host.url);
    expect(listed.stdout).not.toContain(host.apiKey);
    const json = await openwop(["profile", "list", "--json"]);
    expect(json.stdout).not.toContain(host.apiKey);

    // With the default profile saved, nothing else is needed.
    const fromProfile = await openwop(["keys", "whoami", "--json"]);
    expect(fromProfile.code, fromProfile.stderr).toBe(0);
    await openwop(["profile", "rm", "default"]);
  });

  it("takes each value from the flag, then the environment, then the profile", async () => {
    const bad = "hk_test_not_a_key_0000000000";
    await openwop(["profile", "set", "work", "--base-url", "http://127.0.0.1:9", "--api-key", bad]);
    const whoami = (args: string[], env: Record<string, string>) => openwop(["keys", "whoami", ...args], env);

    // Environment over profile: the profile's URL and key are both wrong.
    const envWins = await whoami(["--profile", "work"], connected);
    expect(envWins.code, envWins.stderr).toBe(0);
    // Flag over environment.
    const flagWins = await whoami(["--base-url", host.url, "--api-key", host.apiKey], {
      OPENWOP_BASE_URL: "http://127.0.0.1:9",
      OPENWOP_API_KEY: bad,
    });
    expect(flagWins.code, flagWins.stderr).toBe(0);
    const flagKeyLoses = await whoami(["--api-key", bad], connected);
    expect(flagKeyLoses.code).toBe(1);
    expect(flagKeyLoses.stderr).toMatch(/error 401: /);
    // The profile fills only what flags and environment leave open.
    const profileKey = await whoami(["--profile", "work"], { OPENWOP_BASE_URL: host.url });
    expect(profileKey.code).toBe(1);
    expect(profileKey.stderr).not.toContain(bad);
    const unknown = await whoami(["--profile", "nowhere"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no profile "nowhere"/);
  });
});
