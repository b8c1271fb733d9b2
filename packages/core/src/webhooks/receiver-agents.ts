import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { LookupAddress, LookupOptions } from "node:dns";
import type { WebhookAddress } from "./url-safety.js";

/** Agents kept at most; past it the least recently used is closed. */
const MAX_AGENTS = 256;
/** How long an idle connection to a receiver is kept open. */
const IDLE_MS = 5_000;

/**
 * Keep-alive connections to receivers, so a burst of deliveries to one endpoint does not pay a
 * TCP (and TLS) handshake each. There is one agent per receiver origin *and* set of addresses
 * validated for it: a connection is only ever reused for a request whose freshly resolved and
 * checked addresses are exactly those it was opened to, so a changed DNS answer gets a new
 * agent and a new, pinned connection (webhooks.md §4.2), never an old socket.
 */
export class ReceiverAgents {
  readonly #agents = new Map<string, HttpAgent>();

  agentFor(url: URL, host: string, port: number, addresses: readonly WebhookAddress[]): HttpAgent {
    const key = `${url.protocol}//${host}:${port}#${addresses
      .map((a) => a.address)
      .sort()
      .join(",")}`;
    const found = this.#agents.get(key);
    if (found) {
      // Map order is recency order.
      this.#agents.delete(key);
      this.#agents.set(key, found);
      return found;
    }
    const options = { keepAlive: true, maxFreeSockets: 8, timeout: IDLE_MS, lookup: pinnedLookup(addresses) };
    const agent = url.protocol === "https:" ? new HttpsAgent(options) : new HttpAgent(options);
    this.#agents.set(key, agent);
    if (this.#agents.size > MAX_AGENTS) {
      const [oldestKey, oldest] = this.#agents.entries().next().value as [string, HttpAgent];
      this.#agents.delete(oldestKey);
      oldest.destroy();
    }
    return agent;
  }

  /** Closes every kept connection. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

/**
 * A socket `lookup` that answers only the addresses validated before the request: the name
 * is never resolved a second time between validation and connection. With `all` (Node's
 * happy-eyeballs connect) it answers every validated address; any of them may be used.
 */
export function pinnedLookup(addresses: readonly WebhookAddress[]) {
  return (
    _hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const wanted = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 ? 6 : 0;
    const usable = wanted === 0 ? addresses : addresses.filter((a) => a.family === wanted);
    process.nextTick(() => {
      const first = usable[0];
      if (first === undefined) {
        const error: NodeJS.ErrnoException = new Error("no validated address of the requested family");
        error.code = "ENOTFOUND";
        callback(error, "", 0);
      } else if (options.all) {
        callback(
          null,
          usable.map((a) => ({ address: a.address, family: a.family })),
        );
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}
