import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { ConformanceResult } from "@openwop/types";
import { validateConformanceResult } from "@openwop/schema";
import { redactedCommand } from "../cli/args.js";
import { launchHost, type LaunchedHost } from "../host-manifest/launch.js";
import type { LoadedHostManifest } from "../host-manifest/manifest.js";
import { resultDocument } from "../result/document.js";
import { runSuite } from "../runner/run-suite.js";
import type { ScenarioRun } from "../runner/scenario.js";
import type { MatrixHostEntry } from "./matrix-index.js";
import { startPostgresService, type PostgresService } from "./postgres-service.js";

export interface HostRun {
  readonly entry: MatrixHostEntry;
  readonly result?: ConformanceResult;
}

export interface MatrixRunOptions {
  readonly timeoutScale: number;
  readonly onResult?: (run: ScenarioRun) => void;
  readonly log: (line: string) => void;
}

/**
 * Starts one host from its manifest on fresh storage, runs the whole suite against it in
 * strict mode, and stops it. A host that cannot start becomes a "not run" entry with a
 * stable reason; the details go to the log, never into committed files.
 */
export async function runHostForMatrix(
  loaded: LoadedHostManifest,
  root: string,
  options: MatrixRunOptions,
): Promise<HostRun> {
  const { manifest } = loaded;
  const base = { name: manifest.name, manifest: relative(root, loaded.path), storage: manifest.storage } as const;
  const notRun = (reason: string, detail?: string): HostRun => {
    options.log(`${manifest.name}: not run: ${reason}${detail ? `\n${detail}` : ""}`);
    return { entry: { ...base, status: "not-run", reason } };
  };

  const entryFile = manifest.start.command === "node" ? manifest.start.args[0] : undefined;
  if (entryFile !== undefined && !entryFile.includes("${") && !existsSync(resolve(loaded.cwd, entryFile))) {
    return notRun(`not built: ${relative(root, resolve(loaded.cwd, entryFile))} is missing`);
  }

  let postgres: PostgresService | undefined;
  let host: LaunchedHost | undefined;
  try {
    if (manifest.services?.includes("postgres")) {
      try {
        postgres = await startPostgresService();
      } catch (error) {
        return notRun("postgres service unavailable", error instanceof Error ? error.message : String(error));
      }
    }
    try {
      host = await launchHost(loaded, postgres === undefined ? {} : { databaseUrl: postgres.hostUrl });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return notRun(
        /before it was ready/.test(detail) ? "host exited before it was ready" : "host did not become ready",
        detail,
      );
    }
    options.log(`${manifest.name}: listening at ${host.baseUrl}; running the suite with --require-behavior`);
    const args = [
      "--base-url",
      host.baseUrl,
      "--api-key",
      host.keys.apiKey,
      ...(host.keys.lowScopeApiKey ? ["--low-scope-api-key", host.keys.lowScopeApiKey] : []),
      ...(host.keys.secondaryApiKey ? ["--secondary-api-key", host.keys.secondaryApiKey] : []),
      "--host-manifest",
      base.manifest,
      "--require-behavior",
    ];
    const suite = await runSuite(
      {
        baseUrl: host.baseUrl,
        apiKey: host.keys.apiKey,
        ...(host.keys.lowScopeApiKey ? { lowScopeApiKey: host.keys.lowScopeApiKey } : {}),
        ...(host.keys.secondaryApiKey ? { secondaryApiKey: host.keys.secondaryApiKey } : {}),
        hostManifest: loaded,
        timeoutScale: options.timeoutScale,
        requireBehavior: true,
        optOutProfiles: [],
        env: { ...process.env, ...(postgres === undefined ? {} : { DATABASE_URL: postgres.scenarioUrl }) },
      },
      options.onResult ? { onResult: options.onResult } : {},
    );
    const result = resultDocument(suite, { command: redactedCommand(args), baseUrl: host.baseUrl });
    const validation = validateConformanceResult(result);
    if (!validation.valid)
      throw new Error(
        `result document for ${manifest.name} is invalid: ${JSON.stringify(validation.errors.slice(0, 5))}`,
      );
    return { entry: { ...base, status: "ran" }, result };
  } finally {
    await host?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
  }
}
