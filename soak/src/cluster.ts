import { join } from "node:path";
import type { PostgresServer } from "@openwop/pg-harness";
import type { StorageAdapter } from "@openwop/storage";
import { openPostgresAdapter } from "@openwop/storage-postgres";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import { hostEntry, soakHostEnvironment } from "./hosts.js";
import { call, NoAnswerError, sleep } from "./http.js";
import type { HostKind } from "./options.js";
import { spawnHost, type HostProcess } from "./processes.js";
import type { Random } from "./random.js";

/** One crash: which processes were killed, and how long until every one of them answered again. */
export interface Crash {
  killed: string[];
  killedAt: number;
  /** From the SIGKILL to the restarted process answering /readyz with 200. */
  recoveryMs: number;
}

/**
 * The host processes of one kind over one store: one SQLite process on one file, or two
 * Postgres processes on one database. A crash kills one or more of them with SIGKILL and
 * starts each again on the same storage.
 */
export class Cluster {
  readonly #slots: Array<HostProcess | undefined>;
  #auditor: StorageAdapter | undefined;

  private constructor(
    readonly kind: HostKind,
    readonly apiKey: string,
    private readonly environment: Record<string, string>,
    size: number,
  ) {
    this.#slots = Array.from({ length: size }, () => undefined);
  }

  static async start(
    kind: HostKind,
    apiKey: string,
    workflowsDir: string,
    storage: { sqliteDir?: string; postgres?: PostgresServer },
  ): Promise<Cluster> {
    const environment = soakHostEnvironment(apiKey, workflowsDir);
    let audit: () => Promise<StorageAdapter>;
    if (kind === "sqlite") {
      if (!storage.sqliteDir) throw new Error("a SQLite cluster needs a directory");
      const path = join(storage.sqliteDir, "openwop.db");
      environment["OPENWOP_SQLITE_PATH"] = path;
      audit = async () => openSqliteAdapter({ path });
    } else {
      if (!storage.postgres) throw new Error("a Postgres cluster needs a server");
      const databaseUrl = await storage.postgres.createDatabase(`soak_${Date.now()}`);
      environment["DATABASE_URL"] = databaseUrl;
      audit = () => openPostgresAdapter({ connectionString: databaseUrl, poolSize: 2, applicationName: "soak-audit" });
    }
    const cluster = new Cluster(kind, apiKey, environment, kind === "sqlite" ? 1 : 2);
    // Started one after the other: the first applies the schema, so the second finds it done.
    for (let slot = 0; slot < cluster.#slots.length; slot++) await cluster.#startSlot(slot);
    cluster.#auditor = await audit();
    return cluster;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** A live host's URL, at random among the live ones; undefined while none is up. */
  url(random?: Random): string | undefined {
    const live = this.#slots.filter((p): p is HostProcess => p !== undefined && !p.exited);
    if (live.length === 0) return undefined;
    return (random ? random.pick(live) : (live[0] as HostProcess)).url;
  }

  /** Kills one process, or (Postgres, one time in five) both, and starts each again. */
  async crash(random: Random): Promise<Crash> {
    const victims =
      this.#slots.length === 1 || random.chance(0.2)
        ? this.#slots.map((_, slot) => slot)
        : [random.between(0, this.#slots.length - 1)];
    const killed = victims.map((slot) => this.#slots[slot]?.label ?? `slot ${slot}`);
    const killedAt = Date.now();
    await Promise.all(victims.map((slot) => this.#slots[slot]?.kill("SIGKILL")));
    await Promise.all(victims.map((slot) => this.#startSlot(slot)));
    await Promise.all(victims.map((slot) => this.#waitReady(slot)));
    return { killed, killedAt, recoveryMs: Date.now() - killedAt };
  }

  /** How many runs the store holds, read from storage itself, all statuses together. */
  async storedRuns(): Promise<number> {
    const counts = (await this.#auditor?.countRunsByStatus()) ?? {};
    return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
  }

  /** The last lines every process printed, for a failure report. */
  output(): string {
    return this.#slots.map((p) => `--- ${p?.label ?? "?"}\n${p?.output() ?? ""}`).join("\n");
  }

  /** SIGKILL here too: the store is thrown away, and a graceful stop would wait for the open cancellable runs. */
  async close(): Promise<void> {
    await Promise.all(this.#slots.map((p) => p?.kill("SIGKILL")));
    await this.#auditor?.close();
  }

  #generation = 0;

  async #startSlot(slot: number): Promise<void> {
    this.#generation += 1;
    const label = `${this.kind}-${slot + 1}#${this.#generation}`;
    this.#slots[slot] = await spawnHost(label, hostEntry(this.kind), this.environment);
  }

  async #waitReady(slot: number): Promise<void> {
    const host = this.#slots[slot];
    if (!host) return;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await call(host.url, this.apiKey, "/readyz", { timeoutMs: 2_000 })).status === 200) return;
      } catch (error) {
        if (!(error instanceof NoAnswerError)) throw error;
      }
      if (Date.now() > deadline) throw new Error(`${host.label} not ready 30 s after its restart`);
      await sleep(25);
    }
  }
}
