import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository these tests run in: two levels above `stewards/src/test-support`. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** What the stewards' tools read; everything else of the repository stays out of the copy. */
const COPIED = [
  "spec",
  "schemas",
  "RFCS",
  ".changeset",
  "conformance/results",
  "conformance/src/scenarios",
  "conformance/src/lib",
  "conformance/src/runner",
  "packages/schema/src/validators.ts",
  "packages/types/src/generated",
];

/** A real git repository holding a copy of the files the tools read, committed once. */
export interface RepoCopy {
  readonly root: string;
  read(path: string): string;
  write(path: string, text: string): void;
  /** Replaces `from` (which must occur) with `to` in one file. */
  edit(path: string, from: string, to: string): void;
  commit(message: string): void;
  remove(): void;
}

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export function copyRepository(paths: readonly string[] = COPIED): RepoCopy {
  const root = mkdtempSync(join(tmpdir(), "openwop-stewards-"));
  for (const path of paths) cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  git(root, ["init", "--quiet", "--initial-branch=main"]);
  const commit = (message: string) => {
    git(root, ["add", "--all"]);
    git(root, [
      "-c",
      "user.name=Steward",
      "-c",
      "user.email=steward@example.invalid",
      "commit",
      "--quiet",
      "-m",
      message,
    ]);
  };
  commit("copy of the repository");
  const read = (path: string) => readFileSync(join(root, path), "utf8");
  const write = (path: string, text: string) => writeFileSync(join(root, path), text);
  return {
    root,
    read,
    write,
    edit(path, from, to) {
      const text = read(path);
      if (!text.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
      write(path, text.replace(from, to));
    },
    commit,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
