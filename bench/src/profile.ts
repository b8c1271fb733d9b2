import { readFile, readdir } from "node:fs/promises";
import { basename, join } from "node:path";

/**
 * Summaries of V8 CPU profiles (`node --cpu-prof`): where a host process spent its CPU,
 * by function (self and inclusive time) and by module, as shares of the busy time.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  /** Share of busy (non-idle) time, in percent. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  /** Functions by the time spent in their own code. */
  topSelf: ProfileEntry[];
  /** Functions by the time spent in them and everything they called. */
  topInclusive: ProfileEntry[];
  /** Modules (workspace package, npm package or Node internals) by self time. */
  byModule: ProfileEntry[];
}

const IDLE = new Set(["(idle)"]);

/** `packages/storage-postgres/dist/x.js` → `@openwop/storage-postgres`; `node_modules/pg/lib/...` → `pg`. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node (internals)";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    const name = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    if (name === ".pnpm") {
      // A path inside the pnpm store: the package follows the next node_modules.
      return moduleOf(url.slice(modules + "/node_modules/".length), functionName);
    }
    return name ?? url;
  }
  const workspace = /\/(packages|examples\/hosts)\/([^/]+)\//.exec(url);
  if (workspace) return workspace[1] === "packages" ? `@openwop/${workspace[2]}` : `host-${workspace[2]}`;
  return basename(url);
}

function frameName(frame: CallFrame): string {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  return `${name} (${moduleOf(frame.url, name)} ${basename(frame.url)}:${frame.lineNumber + 1})`;
}

function top(totals: Map<string, number>, busy: number, count: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => ({ name, percent: Math.round((time / busy) * 1000) / 10 }));
}

export function summarizeProfile(profile: CpuProfile, file: string, count = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (!node || IDLE.has(node.callFrame.functionName)) return;
    busy += delta;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + delta);
    const module = moduleOf(node.callFrame.url, node.callFrame.functionName);
    modules.set(module, (modules.get(module) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || frame.functionName === "(root)") continue;
      const key = frameName(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  return {
    file,
    busyMs: Math.round(busy / 1000),
    topSelf: top(self, busy, count),
    topInclusive: top(inclusive, busy, count),
    byModule: top(modules, busy, count),
  };
}

/** Summarises every `.cpuprofile` in `dir`, in name order. */
export async function summarizeProfiles(dir: string): Promise<ProfileSummary[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".cpuprofile")).sort();
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as CpuProfile;
    summaries.push(summarizeProfile(profile, file));
  }
  return summaries;
}
