import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "./failures.js";

/**
 * Where the host and the key come from: for each value, a flag first, then the environment
 * (`OPENWOP_BASE_URL`, `OPENWOP_API_KEY`), then a profile in the user's profile file — the
 * one `--profile` names, or `default` when it exists.
 */

/** One saved connection. */
export interface Profile {
  readonly baseUrl?: string;
  readonly apiKey?: string;
}

/** The profile file: `{ "profiles": { "<name>": { baseUrl, apiKey } } }`. */
export interface ProfileFile {
  readonly profiles: Readonly<Record<string, Profile>>;
}

export type Source = "flag" | "env" | "profile";

export interface Connection {
  readonly baseUrl: string | undefined;
  readonly apiKey: string | undefined;
  /** Where each value came from, for `doctor` and error messages. */
  readonly sources: { readonly baseUrl?: Source; readonly apiKey?: Source };
  /** The profile consulted, if one was. */
  readonly profile?: string;
}

export interface ConnectionFlags {
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly profile?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_PROFILE = "default";

/** `$XDG_CONFIG_HOME/openwop/profiles.json`, or `~/.config/openwop/profiles.json`. */
export function profileFilePath(env: Env): string {
  const xdg = env["XDG_CONFIG_HOME"];
  const base = xdg !== undefined && xdg !== "" ? xdg : join(env["HOME"] ?? homedir(), ".config");
  return join(base, "openwop", "profiles.json");
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The profile file, or no profiles when there is none; a file that is not ours is a usage error. */
export async function readProfiles(path: string): Promise<ProfileFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isObject(error) && error["code"] === "ENOENT") return { profiles: {} };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON; fix or remove it`);
  }
  if (!isObject(parsed) || !isObject(parsed["profiles"])) {
    throw new UsageError(`${path} has no "profiles" object; fix or remove it`);
  }
  const profiles: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(parsed["profiles"])) {
    if (!isObject(value)) continue;
    profiles[name] = {
      ...(typeof value["baseUrl"] === "string" ? { baseUrl: value["baseUrl"] } : {}),
      ...(typeof value["apiKey"] === "string" ? { apiKey: value["apiKey"] } : {}),
    };
  }
  return { profiles };
}

/**
 * Writes the profile file readable by its owner only (mode 0600, its folder 0700): it holds
 * keys. Written to a temporary file first and renamed, so a crash never leaves half a file.
 */
export async function writeProfiles(path: string, file: ProfileFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile passes through the umask; make sure of it.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

const present = (value: string | undefined): value is string => value !== undefined && value !== "";

/** The first of `candidates` that holds a value, with where it came from. */
function firstPresent(
  candidates: ReadonlyArray<readonly [string | undefined, Source]>,
): { value: string; source: Source } | undefined {
  for (const [value, source] of candidates) if (present(value)) return { value, source };
  return undefined;
}

/** Resolves the connection by the precedence above; reads the profile file only when it may matter. */
export async function resolveConnection(flags: ConnectionFlags, env: Env): Promise<Connection> {
  const named = flags.profile;
  const fromFlagsAndEnv = (profile: Profile): Connection => {
    const baseUrl = firstPresent([
      [flags.baseUrl, "flag"],
      [env["OPENWOP_BASE_URL"], "env"],
      [profile.baseUrl, "profile"],
    ]);
    const apiKey = firstPresent([
      [flags.apiKey, "flag"],
      [env["OPENWOP_API_KEY"], "env"],
      [profile.apiKey, "profile"],
    ]);
    return {
      baseUrl: baseUrl?.value,
      apiKey: apiKey?.value,
      sources: { ...(baseUrl ? { baseUrl: baseUrl.source } : {}), ...(apiKey ? { apiKey: apiKey.source } : {}) },
    };
  };
  const without = fromFlagsAndEnv({});
  if (without.baseUrl !== undefined && without.apiKey !== undefined && named === undefined) return without;

  const path = profileFilePath(env);
  const { profiles } = await readProfiles(path);
  const name = named ?? DEFAULT_PROFILE;
  const profile = profiles[name];
  if (profile === undefined) {
    if (named !== undefined) {
      throw new UsageError(
        `no profile "${named}" in ${path}; create it with: openwop profile set ${named} --base-url URL --api-key KEY`,
      );
    }
    return without;
  }
  return { ...fromFlagsAndEnv(profile), profile: name };
}

/**
 * A key as it may be shown: its first characters (the part hosts print as the key's prefix)
 * and an ellipsis, never the whole secret.
 */
export function maskKey(key: string | undefined): string {
  if (key === undefined || key === "") return "-";
  if (key.length <= 12) return "…";
  return `${key.slice(0, 8)}…`;
}
