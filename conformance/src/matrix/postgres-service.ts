import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The slice of `@openwop/pg-harness` the matrix uses. */
interface PostgresServer {
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}
interface PgHarness {
  startPostgres(options?: { database?: string }): Promise<PostgresServer & { readonly url: string }>;
}

export interface PostgresService {
  /** The database the host under test uses. */
  readonly hostUrl: string;
  /** A separate database for the process-level scenarios' own host processes. */
  readonly scenarioUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway Postgres through `@openwop/pg-harness`. The conformance package does
 * not depend on the harness (it judges hosts over HTTP and must stay installable alone),
 * so the matrix, a repository tool, loads the workspace build by path.
 */
export async function startPostgresService(root: string): Promise<PostgresService> {
  const entry = join(root, "packages", "pg-harness", "dist", "index.js");
  if (!existsSync(entry)) throw new Error("packages/pg-harness is not built (run pnpm build)");
  const harness = (await import(pathToFileURL(entry).href)) as PgHarness;
  const server = await harness.startPostgres({ database: "openwop_host" });
  try {
    return { hostUrl: server.url, scenarioUrl: await server.createDatabase("openwop_scenarios"), stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
