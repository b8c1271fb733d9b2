import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * A host manifest tells the suite and the matrix how to start one example host: the
 * command, its environment (with placeholders the launcher fills), where to probe for
 * readiness, and which key variables to set. One lives beside each example host as
 * `openwop-host.json`.
 *
 * Placeholders in `env`, `args` and `readiness.url`: `${PORT}`, `${HOST}`, `${DATA_DIR}`
 * (a fresh temp directory per launch), `${DATABASE_URL}`, `${CLAIM_TTL_MS}`,
 * `${HEARTBEAT_INTERVAL_MS}`, `${API_KEY}` and `${EXTRA_API_KEYS}` (the JSON array the
 * launcher builds from `extraKeys`).
 */
export interface HostManifest {
  readonly manifestVersion: 1;
  /** Row name in the matrix and file name under `conformance/results/`. */
  readonly name: string;
  readonly description?: string;
  readonly storage: "memory" | "sqlite" | "postgres";
  readonly start: { readonly command: string; readonly args: readonly string[]; readonly cwd?: string };
  /** The port the host uses when started by hand; launches pick a free one instead. */
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly readiness: { readonly url: string; readonly timeoutMs?: number };
  /** The variable through which the launcher hands the host its bootstrap key (every scope, tenant `default`). */
  readonly bootstrapKey: { readonly env: string };
  /** Further keys the launcher mints; `role` tells the suite what each one is for. */
  readonly extraKeys?: readonly ExtraKeySpec[];
  /** External services the matrix must provide before launching (their URL fills a placeholder). */
  readonly services?: readonly "postgres"[];
  readonly testSeams?: HostTestSeams;
}

/** What the launched host offers the suite beyond the protocol, for scenarios that need it. */
export interface HostTestSeams {
  /** A route that expires a run at once (`path` relative to the base URL, with `{runId}`). */
  readonly forceExpire?: { readonly method: string; readonly path: string };
  /**
   * The host runs with its development override of webhooks.md §4.3 (the example hosts:
   * `OPENWOP_WEBHOOK_ALLOW_PRIVATE=true`), so it accepts and delivers to the suite's loopback
   * receiver. Delivery scenarios need it; `webhooks-url-safety` needs it off.
   */
  readonly webhookPrivateUrls?: boolean;
}

export interface ExtraKeySpec {
  /** `low-scope`: primary tenant without `runs:create`; `secondary-tenant`: another tenant, every scope. */
  readonly role: "low-scope" | "secondary-tenant";
  readonly tenant: string;
  readonly scopes: readonly string[];
}

/** A manifest plus where it was read from, so relative paths can be resolved. */
export interface LoadedHostManifest {
  readonly manifest: HostManifest;
  readonly path: string;
  /** `start.cwd` resolved against the manifest's directory. */
  readonly cwd: string;
}

export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

export async function loadHostManifest(path: string): Promise<LoadedHostManifest> {
  const absolute = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(absolute, "utf8")) as unknown;
  } catch (error) {
    throw new ManifestError(
      `cannot read host manifest ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const manifest = parseHostManifest(parsed, path);
  return { manifest, path: absolute, cwd: resolve(dirname(absolute), manifest.start.cwd ?? ".") };
}

/** Checks the shape by hand so a host author gets one precise message per mistake. */
export function parseHostManifest(value: unknown, source = "manifest"): HostManifest {
  const problems: string[] = [];
  const root = asRecord(value);
  if (root === undefined) throw new ManifestError(`${source}: not a JSON object`);
  const expect = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
  const stringRecord = (v: unknown) =>
    asRecord(v) !== undefined && Object.values(asRecord(v) ?? {}).every((x) => typeof x === "string");

  expect(root.manifestVersion === 1, "manifestVersion must be 1");
  expect(isString(root.name) && /^[a-z][a-z0-9-]*$/.test(root.name), "name must be kebab-case");
  expect(
    ["memory", "sqlite", "postgres"].includes(root.storage as string),
    "storage must be memory, sqlite or postgres",
  );
  const start = asRecord(root.start);
  expect(isString(start?.command), "start.command must be a non-empty string");
  expect(
    Array.isArray(start?.args) && (start.args as unknown[]).every((a) => typeof a === "string"),
    "start.args must be an array of strings",
  );
  expect(start?.cwd === undefined || isString(start.cwd), "start.cwd must be a string when present");
  expect(
    typeof root.port === "number" && Number.isInteger(root.port) && root.port > 0 && root.port < 65536,
    "port must be a TCP port",
  );
  expect(stringRecord(root.env), "env must map variable names to strings");
  const readiness = asRecord(root.readiness);
  expect(isString(readiness?.url), "readiness.url must be a non-empty string");
  expect(
    readiness?.timeoutMs === undefined || typeof readiness.timeoutMs === "number",
    "readiness.timeoutMs must be a number",
  );
  expect(isString(asRecord(root.bootstrapKey)?.env), "bootstrapKey.env must name an environment variable");
  if (root.extraKeys !== undefined) {
    const keys = Array.isArray(root.extraKeys) ? root.extraKeys : [];
    expect(Array.isArray(root.extraKeys), "extraKeys must be an array");
    keys.forEach((key, index) => {
      const entry = asRecord(key);
      expect(
        entry?.role === "low-scope" || entry?.role === "secondary-tenant",
        `extraKeys[${index}].role must be low-scope or secondary-tenant`,
      );
      expect(isString(entry?.tenant), `extraKeys[${index}].tenant must be a non-empty string`);
      expect(
        Array.isArray(entry?.scopes) && (entry.scopes as unknown[]).every(isString),
        `extraKeys[${index}].scopes must be strings`,
      );
    });
  }
  if (root.services !== undefined) {
    expect(
      Array.isArray(root.services) && root.services.every((s) => s === "postgres"),
      "services may only list postgres",
    );
  }
  const testSeams = asRecord(root.testSeams);
  expect(root.testSeams === undefined || testSeams !== undefined, "testSeams must be an object");
  expect(
    testSeams?.webhookPrivateUrls === undefined || typeof testSeams.webhookPrivateUrls === "boolean",
    "testSeams.webhookPrivateUrls must be a boolean",
  );
  const forceExpire = asRecord(testSeams?.forceExpire);
  if (forceExpire !== undefined) {
    expect(isString(forceExpire.method), "testSeams.forceExpire.method must be a string");
    expect(
      isString(forceExpire.path) && forceExpire.path.includes("{runId}"),
      "testSeams.forceExpire.path must contain {runId}",
    );
  }
  if (problems.length > 0) throw new ManifestError(`${source}: ${problems.join("; ")}`);
  return root as unknown as HostManifest;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
