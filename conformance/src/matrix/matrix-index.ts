/**
 * `conformance/results/index.json`: which hosts the matrix knows and whether each ran.
 * It is the only record of a host that could not start (a result file needs a run), and
 * it holds nothing volatile, so it is drift-checked with the matrix.
 */
export interface MatrixIndex {
  readonly indexVersion: 1;
  readonly hosts: readonly MatrixHostEntry[];
}

export interface MatrixHostEntry {
  readonly name: string;
  /** Manifest path relative to the repository root. */
  readonly manifest: string;
  /** `remote` for a host of conformance/hosts.json, which this repository does not start. */
  readonly storage: "memory" | "sqlite" | "postgres" | "remote";
  readonly status: "ran" | "not-run";
  /** Why the host did not run, in stable words (details go to stderr). */
  readonly reason?: string;
}

export const RESULTS_DIR = "conformance/results";
export const INDEX_PATH = `${RESULTS_DIR}/index.json`;
export const resultPath = (host: string) => `${RESULTS_DIR}/${host}.json`;
