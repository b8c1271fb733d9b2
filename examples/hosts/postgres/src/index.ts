import { openPostgresAdapter } from "@openwop/storage-postgres";
import { resolveHostSettings, startOpenWopHost, type HostSettings, type RunningHost } from "@openwop/server";

export const IMPLEMENTATION = { name: "openwop-host-postgres", version: "0.1.0", vendor: "openwop-toolkit" } as const;

/** Any host setting (port 0, a free one, unless chosen), and the database to use. */
export interface PostgresHostOptions extends Partial<HostSettings> {
  connectionString: string;
}

/** The shared-database host: any number of processes on one Postgres database. */
export async function startPostgresHost({ connectionString, ...settings }: PostgresHostOptions): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: await openPostgresAdapter({ connectionString, applicationName: IMPLEMENTATION.name }),
    implementation: IMPLEMENTATION,
    settings: resolveHostSettings(settings),
  });
}
