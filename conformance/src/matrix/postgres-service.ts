export interface PostgresService {
  /** The database the host under test uses. */
  readonly hostUrl: string;
  /** A separate database for the process-level scenarios' own host processes. */
  readonly scenarioUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway Postgres through `@openwop/pg-harness`. The harness is a development
 * dependency: the suite judges hosts over HTTP and stays installable alone, and only the
 * matrix, a repository tool, needs a database server — so it is imported on demand.
 */
export async function startPostgresService(): Promise<PostgresService> {
  const { startPostgres } = await import("@openwop/pg-harness");
  const server = await startPostgres({ database: "openwop_host" });
  try {
    return {
      hostUrl: server.url,
      scenarioUrl: await server.createDatabase("openwop_scenarios"),
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
