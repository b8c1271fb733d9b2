import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "./program.js";
import { OPENWOP_BIN, parseJson, runOpenwop, type CliResult } from "./testing/openwop.js";

const GUIDE = fileURLToPath(new URL("../../../docs/integrating.md", import.meta.url));
const SQLITE_HOST = fileURLToPath(new URL("../../../examples/hosts/sqlite/dist/main.js", import.meta.url));
/** The origin the guide's commands name: `./pnpmw start`'s default. The test host has its own port. */
const GUIDE_ORIGIN = "http://127.0.0.1:3838";

/** One command line of a walkthrough block, split into words as a shell would. */
interface Step {
  readonly line: string;
  readonly args: readonly string[];
  readonly background: boolean;
}

/** The `sh` blocks marked `<!-- walkthrough -->`, in order. */
function walkthroughBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- walkthrough -->\n```sh\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/**
 * Splits a line into words the way sh does for the little the guide uses: single and double
 * quotes, and `$NAME` expanded from `vars` outside single quotes. Anything else is refused, so
 * the guide cannot grow shell the test would run differently than a reader's shell.
 */
function words(line: string, vars: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i] as string;
    if (quote === "'" ? char === "'" : quote === '"' ? char === '"' : false) {
      quote = undefined;
      continue;
    }
    if (quote === undefined && (char === "'" || char === '"')) {
      quote = char;
      current ??= "";
      continue;
    }
    if (quote !== "'" && char === "$") {
      const name = /^[A-Z_][A-Z0-9_]*/.exec(line.slice(i + 1))?.[0];
      if (name === undefined || vars[name] === undefined) throw new Error(`the guide uses an unknown $ in: ${line}`);
      current = (current ?? "") + vars[name];
      i += name.length;
      continue;
    }
    if (quote === undefined && /\s/.test(char)) {
      if (current !== undefined) out.push(current);
      current = undefined;
      continue;
    }
    if (quote === undefined && /[|;<>`\\(){}]/.test(char))
      throw new Error(`the guide uses shell the test does not: ${line}`);
    current = (current ?? "") + char;
  }
  if (quote !== undefined) throw new Error(`unbalanced quote in: ${line}`);
  if (current !== undefined) out.push(current);
  return out;
}

function steps(block: string, vars: Readonly<Record<string, string>>): Step[] {
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const background = line.endsWith("&");
      const [command, ...args] = words(background ? line.slice(0, -1) : line, vars);
      if (command !== "openwop") throw new Error(`a walkthrough step is not an openwop command: ${line}`);
      return { line, args, background };
    });
}

/** A backgrounded step: runs until it exits by itself; ready once it says it is listening. */
interface BackgroundStep {
  readonly step: Step;
  readonly child: ChildProcess;
  readonly result: Promise<CliResult>;
  stdout: string;
  stderr: string;
}

describe("docs/integrating.md, followed as a newcomer would", () => {
  let host: HostProcess;
  let key: string;
  let configHome: string;
  let dataDir: string;
  let markdown: string;

  beforeAll(async () => {
    markdown = await readFile(GUIDE, "utf8");
    dataDir = await mkdtemp(join(tmpdir(), "openwop-guide-"));
    configHome = await mkdtemp(join(tmpdir(), "openwop-guide-config-"));
    // The guide's start command: `OPENWOP_WEBHOOK_ALLOW_PRIVATE=true ./pnpmw start`, no key set.
    expect(markdown).toContain("OPENWOP_WEBHOOK_ALLOW_PRIVATE=true ./pnpmw start");
    const env: Record<string, string> = {
      OPENWOP_WEBHOOK_ALLOW_PRIVATE: "true",
      OPENWOP_SQLITE_PATH: join(dataDir, "openwop.db"),
      OPENWOP_LOG_LEVEL: "warn",
    };
    host = await spawnHostProcess(SQLITE_HOST, env);
    await eventually(() => /bootstrap api key: (\S+)/.test(host.stdout()), "the host to print its bootstrap key");
    key = (/bootstrap api key: (\S+)/.exec(host.stdout()) as RegExpExecArray)[1] as string;
  });

  afterAll(async () => {
    await host?.kill("SIGTERM");
    await rm(dataDir, { recursive: true, force: true });
    await rm(configHome, { recursive: true, force: true });
  });

  // Only what the reader's shell has: the key they exported, and their own config directory.
  const openwop = (args: readonly string[]) => runOpenwop(args, { configHome });

  function startInBackground(step: Step): BackgroundStep {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env))
      if (value !== undefined && !name.startsWith("OPENWOP_") && name !== "NO_COLOR") env[name] = value;
    env["XDG_CONFIG_HOME"] = configHome;
    const child = spawn(process.execPath, [OPENWOP_BIN, ...step.args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const background: BackgroundStep = {
      step,
      child,
      stdout: "",
      stderr: "",
      result: new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: background.stdout, stderr: background.stderr }));
      }),
    };
    child.stdout?.on("data", (chunk: Buffer) => (background.stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (background.stderr += chunk.toString()));
    return background;
  }

  it("gets from nothing to a verified webhook delivery with only openwop, every step exiting 0", async () => {
    const blocks = walkthroughBlocks(markdown);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const vars = { KEY: key };
    const backgrounds: BackgroundStep[] = [];
    for (const block of blocks) {
      for (const step of steps(block.replaceAll(GUIDE_ORIGIN, host.url), vars)) {
        if (step.background) {
          const started = startInBackground(step);
          backgrounds.push(started);
          // A reader starts it and waits for it to say it listens before going on.
          await eventually(
            () => started.stderr.includes("listening on") || started.child.exitCode !== null,
            `${step.line} to listen`,
          );
          continue;
        }
        const result = await openwop(step.args);
        expect(result.code, `${step.line}\n${result.stdout}\n${result.stderr}`).toBe(0);
      }
      // At the end of its block, each backgrounded step has finished by itself.
      for (const background of backgrounds.splice(0)) {
        const result = await background.result;
        expect(result.code, `${background.step.line}\n${result.stdout}\n${result.stderr}`).toBe(0);
        if (background.step.args.slice(0, 2).join(" ") === "webhooks listen") {
          // The delivery it verified, signed with the secret the host generated for it.
          expect(result.stdout).toMatch(/^verified {2}run\.completed {2}run \S+ {2}seq \d+ {2}webhook \S+$/m);
          expect(result.stderr).toContain("1 verified delivery");
          expect(result.stderr).toMatch(/unsubscribed webhook \S+/);
        }
      }
    }
    // The listener cleaned up after itself: no subscription is left behind.
    const left = await openwop(["webhooks", "list", "--json"]);
    expect(parseJson<{ webhooks: unknown[] }>(left).webhooks).toEqual([]);
  });

  it("names only commands and options openwop has, everywhere in the guide", () => {
    const program = buildProgram({
      env: {},
      stdout: { write: () => true },
      stderr: { write: () => true },
      signal: new AbortController().signal,
    });
    const lines = [...markdown.matchAll(/`(openwop [^`]+)`|^(openwop .+)$/gm)].map(
      (match) => (match[1] ?? match[2]) as string,
    );
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      const tokens = line
        .replace(/\s+#.*$/, "")
        .split(/\s+/)
        .slice(1);
      let command: Command = program;
      const optionsOf = (c: Command) => [...c.options, ...(c.parent ? c.parent.options : []), ...program.options];
      for (const token of tokens) {
        if (token.startsWith("--")) {
          const name = token.split("=")[0] as string;
          const known = optionsOf(command).some((option) => option.long === name);
          expect(known, `${line}: ${name} is not an option of openwop ${command.name()}`).toBe(true);
          continue;
        }
        const sub = command.commands.find((c) => c.name() === token);
        if (sub) command = sub;
      }
      expect(command, `${line} names no command`).not.toBe(program);
    }
  });
});
