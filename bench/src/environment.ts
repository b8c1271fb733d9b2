import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findPostgresBinaries, startPostgres, type PostgresServer } from "@openwop/pg-harness";
import { startHost, type HostKind, type RunningHost } from "./hosts.js";
import type { BenchOptions } from "./options.js";
import { spawnNode, type ManagedProcess } from "./processes.js";
import type { Progress } from "./progress.js";
import { writeWorkflowsDir } from "./workflows.js";

/**
 * Postgres settings for the bench server. Durability stays at the defaults (fsync and
 * synchronous_commit on); only the cache is raised from the test harness's 16 MB, and
 * connections from 200, so the hosts, the ceiling and the peer never wait for a slot.
 */
export const POSTGRES_SETTINGS = { sharedBuffers: "256MB", maxConnections: 300 } as const;

/** Everything the workloads share: a scratch directory, the API key, the workflows, one Postgres server. */
export class BenchEnvironment {
  readonly apiKey = `hk_test_bench_${randomBytes(12).toString("hex")}`;
  readonly options: BenchOptions;
  readonly progress: Progress;
  readonly profileDir: string | undefined;
  #workDir = "";
  #workflowsDir = "";
  #postgres: Promise<PostgresServer> | undefined;
  #databases = 0;

  private constructor(options: BenchOptions, progress: Progress, profileDir: string | undefined) {
    this.options = options;
    this.progress = progress;
    this.profileDir = profileDir;
  }

  static async create(options: BenchOptions, progress: Progress, profileDir?: string): Promise<BenchEnvironment> {
    const environment = new BenchEnvironment(options, progress, profileDir);
    environment.#workDir = await mkdtemp(join(tmpdir(), "openwop-bench-"));
    environment.#workflowsDir = await writeWorkflowsDir(join(environment.#workDir, "workflows"));
    if (profileDir) await mkdir(profileDir, { recursive: true });
    return environment;
  }

  get workDir(): string {
    return this.#workDir;
  }

  /** The bench's Postgres server, started on first use and shared by every workload. */
  postgres(): Promise<PostgresServer> {
    this.#postgres ??= (async () => {
      this.progress.step("starting a throwaway Postgres server (initdb + pg_ctl)");
      return startPostgres({
        sharedBuffers: POSTGRES_SETTINGS.sharedBuffers,
        maxConnections: POSTGRES_SETTINGS.maxConnections,
      });
    })();
    return this.#postgres;
  }

  /** A fresh, empty store for one measurement: a new SQLite file, or a new Postgres database. */
  async freshStorage(kind: HostKind, name: string): Promise<{ sqlitePath?: string; databaseUrl?: string }> {
    this.#databases += 1;
    const unique = `${name}_${this.#databases}`.replace(/\W/g, "_");
    if (kind === "sqlite") {
      const dir = join(this.#workDir, unique);
      await mkdir(dir, { recursive: true });
      return { sqlitePath: join(dir, "openwop.db") };
    }
    const server = await this.postgres();
    const databaseUrl = await server.createDatabase(`bench_${unique}`);
    await this.checkpoint(databaseUrl);
    return { databaseUrl };
  }

  /**
   * Runs a Postgres CHECKPOINT, so a measurement never pays for writing back the pages
   * the previous one dirtied (a checkpoint triggered by max_wal_size or the timeout in the
   * middle of a measurement costs it a burst of writes and fsyncs it did not cause).
   */
  async checkpoint(databaseUrl: string): Promise<void> {
    await promisify(execFile)(findPostgresBinaries().psql, ["-X", "-q", "-d", databaseUrl, "-c", "CHECKPOINT"]);
  }

  /**
   * Starts `count` host processes of `kind` over one fresh store (or over `storage`, one the
   * workload prepared with {@link freshStorage}), `environment` added to theirs.
   */
  async startHosts(
    kind: HostKind,
    name: string,
    count = 1,
    environment: Record<string, string> = {},
    prepared?: { sqlitePath?: string; databaseUrl?: string },
  ): Promise<RunningHost[]> {
    const storage = prepared ?? (await this.freshStorage(kind, name));
    const hosts: RunningHost[] = [];
    try {
      for (let i = 0; i < count; i++) {
        hosts.push(
          await startHost({
            kind,
            apiKey: this.apiKey,
            workflowsDir: this.#workflowsDir,
            ...storage,
            label: count === 1 ? `${kind}-${name}` : `${kind}-${name}-${i + 1}`,
            environment,
            ...(this.profileDir ? { cpuProfileDir: this.profileDir } : {}),
          }),
        );
      }
    } catch (error) {
      await stopAll(hosts.map((h) => h.process));
      throw error;
    }
    return hosts;
  }

  /** Starts one of the bench's worker scripts (`dist/<name>.js`) with a JSON configuration. */
  startWorker(name: string, label: string, config: unknown): ManagedProcess {
    const script = new URL(`./${name}.js`, import.meta.url).pathname;
    return spawnNode({
      label,
      args: [script, JSON.stringify(config)],
      nodeFlags: this.profileDir
        ? ["--cpu-prof", `--cpu-prof-dir=${this.profileDir}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`]
        : [],
    });
  }

  async close(): Promise<void> {
    const server = await this.#postgres?.catch(() => undefined);
    await server?.stop();
    await rm(this.#workDir, { recursive: true, force: true });
  }
}

export async function stopAll(processes: readonly ManagedProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}
