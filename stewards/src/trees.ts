import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * One version of the repository's files: the working tree, or a git revision. The tools
 * compare two of them, so both answer the same two questions.
 */
export interface Tree {
  /** What this tree is, for reports: `working tree` or the revision as given. */
  readonly label: string;
  /** The names of the files directly inside `dir` (repository-relative), sorted. */
  list(dir: string): string[];
  /** The names of the directories directly inside `dir`, sorted. */
  listDirs(dir: string): string[];
  /** A file's text, or `undefined` when it does not exist in this tree. */
  read(path: string): string | undefined;
  /** Whether a file or directory exists at `path`. */
  exists(path: string): boolean;
}

/** A git invocation failed (an unknown revision, not a repository). */
export class GitError extends Error {
  override readonly name = "GitError";
}

function git(root: string, args: readonly string[]): string {
  try {
    return execFileSync("git", ["-C", root, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr =
      typeof error === "object" && error !== null && "stderr" in error ? String(error.stderr).trim() : String(error);
    throw new GitError(`git ${args.join(" ")}: ${stderr}`);
  }
}

/** The files of `root` as they are on disk now. */
export function workingTree(root: string): Tree {
  return {
    label: "working tree",
    list(dir) {
      const full = join(root, dir);
      if (!existsSync(full)) return [];
      return readdirSync(full)
        .filter((name) => statSync(join(full, name)).isFile())
        .sort();
    },
    listDirs(dir) {
      const full = join(root, dir);
      if (!existsSync(full)) return [];
      return readdirSync(full)
        .filter((name) => statSync(join(full, name)).isDirectory())
        .sort();
    },
    read(path) {
      const full = join(root, path);
      return existsSync(full) && statSync(full).isFile() ? readFileSync(full, "utf8") : undefined;
    },
    exists(path) {
      return existsSync(join(root, path));
    },
  };
}

/** The files of `root`'s repository at `revision` (anything `git rev-parse` accepts). */
export function gitTree(root: string, revision: string): Tree {
  let commit: string;
  try {
    commit = git(root, ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]).trim();
  } catch {
    throw new GitError(`${revision} is not a commit of the repository at ${root}`);
  }
  const cache = new Map<string, string | undefined>();
  // "<mode> <type> <object>\t<path>" per entry directly inside `dir`.
  const entries = (dir: string, type: "blob" | "tree") => {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    return git(root, ["ls-tree", commit, "--", prefix])
      .split("\n")
      .filter((line) => line.split(" ")[1] === type)
      .map((line) => line.slice(line.indexOf("\t") + 1 + prefix.length))
      .sort();
  };
  return {
    label: revision,
    list: (dir) => entries(dir, "blob"),
    listDirs: (dir) => entries(dir, "tree"),
    read(path) {
      if (!cache.has(path)) {
        // "<mode> <type> <object>\t<path>", or nothing when the path is absent.
        const [entry] = git(root, ["ls-tree", commit, "--", path]).split("\n");
        const isFile = entry?.endsWith(`\t${path}`) === true && entry.split(" ")[1] === "blob";
        cache.set(path, isFile ? git(root, ["show", `${commit}:${path}`]) : undefined);
      }
      return cache.get(path);
    },
    exists(path) {
      return git(root, ["ls-tree", commit, "--", path.replace(/\/$/, "")]).trim() !== "";
    },
  };
}
