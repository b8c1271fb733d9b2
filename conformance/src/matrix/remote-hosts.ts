import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { validateConformanceResult } from "@openwop/schema";
import { redactedCommand } from "../cli/args.js";
import { resultDocument } from "../result/document.js";
import { runSuite, SuiteStartError } from "../runner/run-suite.js";
import type { Scenario, ScenarioRun } from "../runner/scenario.js";
import type { MatrixHostEntry } from "./matrix-index.js";
import type { HostRun } from "./run-host.js";

/** Hosts outside this repository that CI can reach, each with the variable holding its key. */
export const REMOTE_HOSTS_PATH = "conformance/hosts.json";

export interface RemoteHost {
  /** Kebab-case row name, as for a manifest. */
  readonly name: string;
  readonly baseUrl: string;
  /** Environment variable holding a key with every scope; the host is not run without it. */
  readonly apiKeyEnv: string;
  /** Optional variables for the low-scope and second-tenant keys some scenarios need. */
  readonly lowScopeApiKeyEnv?: string;
  readonly secondaryApiKeyEnv?: string;
}

/** A hosts file that cannot be used; the matrix stops rather than guess. */
export class RemoteHostsError extends Error {
  override readonly name = "RemoteHostsError";
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ENV = /^[A-Z_][A-Z0-9_]*$/;
const MEMBERS = new Set(["name", "baseUrl", "apiKeyEnv", "lowScopeApiKeyEnv", "secondaryApiKeyEnv", "description"]);

function parseHost(value: unknown, at: string): RemoteHost {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new RemoteHostsError(`${at} is not an object`);
  const host = value as Record<string, unknown>;
  const unknown = Object.keys(host).find((key) => !MEMBERS.has(key));
  if (unknown !== undefined) throw new RemoteHostsError(`${at} has unknown member ${unknown}`);
  const text = (key: string, pattern: RegExp, what: string, required: boolean): string | undefined => {
    const member = host[key];
    if (member === undefined && !required) return undefined;
    if (typeof member !== "string" || !pattern.test(member)) throw new RemoteHostsError(`${at}.${key} must be ${what}`);
    return member;
  };
  const name = text("name", NAME, "a kebab-case name", true) as string;
  const baseUrl = text("baseUrl", /^https?:\/\/[^\s]+$/, "an http(s) URL", true) as string;
  const apiKeyEnv = text("apiKeyEnv", ENV, "an environment variable name", true) as string;
  const lowScope = text("lowScopeApiKeyEnv", ENV, "an environment variable name", false);
  const secondary = text("secondaryApiKeyEnv", ENV, "an environment variable name", false);
  return {
    name,
    baseUrl,
    apiKeyEnv,
    ...(lowScope === undefined ? {} : { lowScopeApiKeyEnv: lowScope }),
    ...(secondary === undefined ? {} : { secondaryApiKeyEnv: secondary }),
  };
}

/**
 * `conformance/hosts.json`: `{"hostsVersion": 1, "hosts": [{name, baseUrl, apiKeyEnv,
 * lowScopeApiKeyEnv?, secondaryApiKeyEnv?, description?}]}`. Keys never live in the file,
 * only the names of the variables that hold them. A missing file means no remote hosts.
 */
export async function loadRemoteHosts(root: string): Promise<RemoteHost[]> {
  let text: string;
  try {
    text = await readFile(join(root, REMOTE_HOSTS_PATH), "utf8");
  } catch {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RemoteHostsError(`${REMOTE_HOSTS_PATH}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const file = parsed as { hostsVersion?: unknown; hosts?: unknown };
  if (file.hostsVersion !== 1 || !Array.isArray(file.hosts))
    throw new RemoteHostsError(`${REMOTE_HOSTS_PATH} must be {"hostsVersion": 1, "hosts": [...]}`);
  const hosts = file.hosts.map((host, index) => parseHost(host, `${REMOTE_HOSTS_PATH} hosts[${index}]`));
  const names = hosts.map((host) => host.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new RemoteHostsError(`${REMOTE_HOSTS_PATH} names ${repeated} twice`);
  return hosts;
}

export interface RemoteRunOptions {
  readonly timeoutScale: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly onResult?: (run: ScenarioRun) => void;
  /** Replaces the registry (tests). */
  readonly scenarios?: readonly Scenario[];
}

/**
 * Runs the suite against one remote host in strict mode when its key variable is set, and
 * records "not run: no key" otherwise, so a fork or a local run without secrets still
 * produces the matrix. Without a manifest the process-level scenarios skip, as they must for
 * a host this repository cannot start or kill.
 */
export async function runRemoteHost(host: RemoteHost, options: RemoteRunOptions): Promise<HostRun> {
  const base = { name: host.name, manifest: REMOTE_HOSTS_PATH, storage: "remote" } as const;
  const notRun = (reason: string): HostRun => {
    options.log(`${host.name}: not run: ${reason}`);
    return { entry: { ...base, status: "not-run", reason } satisfies MatrixHostEntry };
  };
  const key = (variable: string | undefined) =>
    variable === undefined || !options.env[variable] ? undefined : options.env[variable];
  const apiKey = key(host.apiKeyEnv);
  if (apiKey === undefined) return notRun(`no key (${host.apiKeyEnv} is not set)`);
  const lowScopeApiKey = key(host.lowScopeApiKeyEnv);
  const secondaryApiKey = key(host.secondaryApiKeyEnv);
  const args = [
    "--base-url",
    host.baseUrl,
    "--api-key",
    apiKey,
    ...(lowScopeApiKey === undefined ? [] : ["--low-scope-api-key", lowScopeApiKey]),
    ...(secondaryApiKey === undefined ? [] : ["--secondary-api-key", secondaryApiKey]),
    "--require-behavior",
  ];
  options.log(`${host.name}: running the suite against ${host.baseUrl} with --require-behavior`);
  let suite;
  try {
    suite = await runSuite(
      {
        baseUrl: host.baseUrl,
        apiKey,
        ...(lowScopeApiKey === undefined ? {} : { lowScopeApiKey }),
        ...(secondaryApiKey === undefined ? {} : { secondaryApiKey }),
        timeoutScale: options.timeoutScale,
        requireBehavior: true,
        optOutProfiles: [],
        env: {},
      },
      {
        ...(options.onResult ? { onResult: options.onResult } : {}),
        ...(options.scenarios ? { scenarios: options.scenarios } : {}),
      },
    );
  } catch (error) {
    if (!(error instanceof SuiteStartError)) throw error;
    options.log(`${host.name}: ${error.message}`);
    // The detail (address, errno) varies from run to run; the committed reason must not.
    return notRun("host unreachable or discovery unusable");
  }
  const result = resultDocument(suite, { command: redactedCommand(args), baseUrl: host.baseUrl });
  const validation = validateConformanceResult(result);
  if (!validation.valid)
    throw new Error(`result document for ${host.name} is invalid: ${JSON.stringify(validation.errors.slice(0, 5))}`);
  return { entry: { ...base, status: "ran" }, result };
}
