import type { Tree } from "./trees.js";

export const RESULTS_DIR = "conformance/results";

/** One row of the interop matrix: a host configuration and what its last committed run said. */
export interface HostResults {
  /** The row's name in `conformance/results/index.json`, e.g. `sqlite-webhooks`. */
  readonly name: string;
  /** `ran`, or why there is no result (the index's status). */
  readonly status: string;
  /** Scenario id → outcome (`pass`, `fail`, `skip`, `inapplicable`, `blocked`). */
  readonly outcomes: ReadonlyMap<string, string>;
  /** Profile → whether the run claimed it. */
  readonly claims: ReadonlyMap<string, boolean>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function readJson(tree: Tree, path: string): unknown {
  const text = tree.read(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every row of the committed interop matrix inputs, in the index's order; none when there is no index. */
export function readHostResults(tree: Tree): HostResults[] {
  const index = readJson(tree, `${RESULTS_DIR}/index.json`);
  const hosts = isRecord(index) && Array.isArray(index["hosts"]) ? index["hosts"] : [];
  return hosts.filter(isRecord).map((host) => {
    const name = String(host["name"]);
    const document = readJson(tree, `${RESULTS_DIR}/${name}.json`);
    const outcomes = new Map<string, string>();
    const claims = new Map<string, boolean>();
    if (isRecord(document)) {
      for (const scenario of Array.isArray(document["scenarios"]) ? document["scenarios"] : []) {
        if (isRecord(scenario)) outcomes.set(String(scenario["id"]), String(scenario["outcome"]));
      }
      for (const profile of Array.isArray(document["profiles"]) ? document["profiles"] : []) {
        if (isRecord(profile)) claims.set(String(profile["profile"]), profile["claimed"] === true);
      }
    }
    return { name, status: typeof host["status"] === "string" ? host["status"] : "unknown", outcomes, claims };
  });
}
