import { openPostgresAdapter } from "@openwop/storage-postgres";
import { exampleHostOptions, startOpenWopHost, type ExampleHostOptions, type RunningHost } from "@openwop/server";

export const IMPLEMENTATION = { name: "openwop-host-postgres", version: "0.1.0", vendor: "openwop-toolkit" } as const;

export interface PostgresHostOptions extends ExampleHostOptions {
  connectionString: string;
}

/** The shared-database host: any number of processes on one Postgres database. */
export async function startPostgresHost(options: PostgresHostOptions): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: await openPostgresAdapter({
      connectionString: options.connectionString,
      applicationName: IMPLEMENTATION.name,
    }),
    implementation: IMPLEMENTATION,
    ...exampleHostOptions(options, true),
  });
}
