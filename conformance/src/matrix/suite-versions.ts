import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SUITE_VERSION } from "../suite-version.js";

/** Where Changesets records each released version of the suite, as `## <version>` headings. */
export const SUITE_CHANGELOG = "conformance/CHANGELOG.md";

type Triple = readonly [number, number, number];

/** `major.minor.patch` (a pre-release or build suffix is ignored for ordering), or undefined. */
export function parseVersion(version: string): Triple | undefined {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+].*)?$/.exec(version);
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(left: Triple, right: Triple): number {
  return left[0] - right[0] || left[1] - right[1] || left[2] - right[2];
}

/**
 * Every suite version this repository can vouch for: the current one and each version its
 * changelog records. A result from any other version names scenarios, sets or rules the
 * repository cannot check it against.
 */
export async function knownSuiteVersions(root: string): Promise<string[]> {
  const changelog = await readFile(join(root, SUITE_CHANGELOG), "utf8").catch(() => "");
  const released = [...changelog.matchAll(/^## (\S+)\s*$/gm)].map((match) => match[1] as string);
  return [...new Set([SUITE_VERSION, ...released])];
}

export type VersionCheck =
  | { readonly ok: true; readonly older: boolean }
  | { readonly ok: false; readonly reason: string };

/** Whether a result's suite version is known here, and whether it is older than the current one. */
export function checkSuiteVersion(version: string, known: readonly string[], current = SUITE_VERSION): VersionCheck {
  const parsed = parseVersion(version);
  const now = parseVersion(current);
  if (parsed === undefined) return { ok: false, reason: `suite version ${version} is not major.minor.patch` };
  if (now !== undefined && compare(parsed, now) > 0)
    return {
      ok: false,
      reason: `suite version ${version} is newer than this repository's ${current}; update the repository first`,
    };
  if (!known.includes(version))
    return { ok: false, reason: `suite version ${version} is not one this repository released (${known.join(", ")})` };
  return { ok: true, older: now !== undefined && compare(parsed, now) < 0 };
}
