import { createServer } from "node:net";

/**
 * Asks the kernel for a free loopback TCP port. Another process can take it before
 * Postgres binds it, so callers retry with a new port when the bind fails.
 */
export function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("the kernel assigned no loopback port"))));
    });
  });
}
