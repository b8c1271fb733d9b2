import { startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { describeHostSuite } from "@openwop/server/testing";
import { startPostgresHost } from "./index.js";

describeHostSuite("postgres host", async (launch) => {
  const server: PostgresServer = await startPostgres();
  try {
    const connectionString = await server.createDatabase("openwop_host_suite");
    const host = await startPostgresHost({ connectionString, port: 0, ...launch });
    return {
      url: host.url,
      close: async () => {
        await host.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
});
