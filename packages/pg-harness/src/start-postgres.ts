import {
  appendFileSync,
  existsSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPostgresBinaries, type PostgresBinaries } from "./binaries.js";
import { trackForExitCleanup } from "./exit-cleanup.js";
import { findFreeLoopbackPort } from "./free-port.js";
import { CommandFailedError, resolveServerUser, runCommand, runCommandSync, type ServerUser } from "./server-user.js";

export interface StartPostgresOptions {
  /** Directory holding `initdb` and `pg_ctl`; defaults to `PG_BIN_DIR`, then the usual places. */
  binDir?: string;
  /** Parent of the temp directory; it must be reachable by the `postgres` user when running as root. */
  baseDir?: string;
  /** Superuser name created by initdb. Default `openwop`. */
  user?: string;
  /** Database created at start and named by {@link PostgresServer.url}. Default `openwop`. */
  database?: string;
  /** Default 200: pools of several adapters and child processes share one test server. */
  maxConnections?: number;
  /** Default `16MB`: tests need little cache, and many servers may run side by side. */
  sharedBuffers?: string;
  /** Extra `postgresql.conf` settings, applied last (so they win). */
  settings?: Record<string, string | number | boolean>;
  /** How long to wait for the server to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

/** A throwaway Postgres server owned by this process. */
export interface PostgresServer {
  /** `postgres://<user>@127.0.0.1:<port>/<database>`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The cluster's data directory (inside {@link rootDir}). */
  readonly dataDir: string;
  /** The temp directory holding data, socket and log; removed by {@link stop}. */
  readonly rootDir: string;
  /** The server log, worth reading when a test fails. */
  readonly logFile: string;
  /** Creates an empty database and resolves to its connection URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (`pg_ctl stop -m fast`) but keeps its data, to simulate an outage. */
  stopServer(): Promise<void>;
  /** Starts a server stopped by {@link stopServer} again, on the same data directory and port. */
  startServer(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
}

const DEFAULT_USER = "openwop";
const DEFAULT_DATABASE = "openwop";
const PORT_ATTEMPTS = 5;
const HARNESS_CONF = "openwop-harness.conf";
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function assertIdentifier(kind: string, name: string): void {
  // Names reach createdb and URLs unquoted; a strict shape keeps both unambiguous.
  if (!IDENTIFIER.test(name))
    throw new Error(`invalid ${kind} name ${JSON.stringify(name)}: use letters, digits and _`);
}

function confValue(value: string | number | boolean): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "on" : "off";
  return `'${value.replaceAll("'", "''")}'`;
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, "utf8").slice(-2000);
  } catch {
    return "";
  }
}

class HarnessServer implements PostgresServer {
  readonly host = "127.0.0.1";
  readonly rootDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly user: string;
  readonly database: string;
  port = 0;
  private readonly socketDir: string;
  private running = false;
  private stopping: Promise<void> | null = null;
  private untrack: () => void = () => {};

  constructor(
    private readonly binaries: PostgresBinaries,
    private readonly serverUser: ServerUser,
    private readonly options: StartPostgresOptions,
  ) {
    this.user = options.user ?? DEFAULT_USER;
    this.database = options.database ?? DEFAULT_DATABASE;
    assertIdentifier("user", this.user);
    assertIdentifier("database", this.database);
    this.rootDir = mkdtempSync(join(options.baseDir ?? tmpdir(), "openwop-pg-"));
    this.dataDir = join(this.rootDir, "data");
    this.socketDir = join(this.rootDir, "socket");
    this.logFile = join(this.rootDir, "postgres.log");
    mkdirSync(this.socketDir);
    writeFileSync(this.logFile, "");
    if (serverUser.name !== null) {
      for (const path of [this.rootDir, this.socketDir, this.logFile]) chownSync(path, serverUser.uid, serverUser.gid);
    }
  }

  get url(): string {
    return this.urlFor(this.database);
  }

  private urlFor(database: string): string {
    return `postgres://${this.user}@${this.host}:${this.port}/${database}`;
  }

  private asServer() {
    return { asServerUser: this.serverUser, cwd: this.rootDir };
  }

  async initialise(): Promise<void> {
    this.untrack = trackForExitCleanup(this);
    // --no-sync: the cluster is thrown away, so flushing initdb's files buys nothing.
    await runCommand(
      this.binaries.initdb,
      ["-D", this.dataDir, "-U", this.user, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
      this.asServer(),
    );
    appendFileSync(join(this.dataDir, "postgresql.conf"), `\ninclude_if_exists = '${HARNESS_CONF}'\n`);
    await this.startOnFreePort();
    await runCommand(
      this.binaries.createdb,
      ["-h", this.host, "-p", String(this.port), "-U", this.user, this.database],
      {
        cwd: this.rootDir,
      },
    );
  }

  private writeSettings(): void {
    const settings: Record<string, string | number | boolean> = {
      listen_addresses: this.host,
      port: this.port,
      // The socket lives in our private directory so parallel servers never share /var/run.
      unix_socket_directories: this.socketDir,
      max_connections: this.options.maxConnections ?? 200,
      shared_buffers: this.options.sharedBuffers ?? "16MB",
      ...this.options.settings,
    };
    const file = join(this.dataDir, HARNESS_CONF);
    writeFileSync(
      file,
      Object.entries(settings)
        .map(([key, value]) => `${key} = ${confValue(value)}\n`)
        .join(""),
    );
    if (this.serverUser.name !== null) chownSync(file, this.serverUser.uid, this.serverUser.gid);
  }

  private async startOnFreePort(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = await findFreeLoopbackPort();
      this.writeSettings();
      try {
        await this.pgCtlStart();
        return;
      } catch (error) {
        // The port was free when we asked, but another process may have bound it since.
        const portTaken = /could not bind|already in use/i.test(logTail(this.logFile));
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  }

  private async pgCtlStart(): Promise<void> {
    const timeoutSeconds = Math.ceil((this.options.startTimeoutMs ?? 60_000) / 1000);
    try {
      await runCommand(
        this.binaries.pgCtl,
        ["start", "-D", this.dataDir, "-l", this.logFile, "-w", "-t", String(timeoutSeconds), "-s"],
        this.asServer(),
      );
    } catch (error) {
      if (error instanceof CommandFailedError) {
        throw new Error(`${error.message}\n--- postgres log (tail) ---\n${logTail(this.logFile)}`, { cause: error });
      }
      throw error;
    }
    this.running = true;
    // pg_ctl -w trusts postmaster.pid; also prove the TCP listener answers before callers connect.
    await runCommand(
      this.binaries.pgIsReady,
      ["-h", this.host, "-p", String(this.port), "-t", String(timeoutSeconds)],
      {
        cwd: this.rootDir,
      },
    );
  }

  async createDatabase(name: string): Promise<string> {
    assertIdentifier("database", name);
    await runCommand(this.binaries.createdb, ["-h", this.host, "-p", String(this.port), "-U", this.user, name], {
      cwd: this.rootDir,
    });
    return this.urlFor(name);
  }

  async stopServer(): Promise<void> {
    if (!this.running) return;
    await runCommand(this.binaries.pgCtl, ["stop", "-D", this.dataDir, "-m", "fast", "-w", "-s"], this.asServer());
    this.running = false;
  }

  async startServer(): Promise<void> {
    if (this.running) return;
    if (this.stopping) throw new Error("this Postgres server was stopped for good; start a new one");
    await this.pgCtlStart();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.stopServer();
      } finally {
        this.untrack();
        this.stopSync();
      }
    })();
    return this.stopping;
  }

  stopSync(): void {
    // The pid file, not our flag: a start that timed out may still have left a postmaster.
    if (existsSync(join(this.dataDir, "postmaster.pid"))) {
      // Immediate, not fast: at exit there is no time to wait for sessions to finish.
      runCommandSync(this.binaries.pgCtl, ["stop", "-D", this.dataDir, "-m", "immediate", "-w", "-s"], this.asServer());
      this.running = false;
    }
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/**
 * Starts a throwaway Postgres server: a fresh cluster in a temp directory (initdb, trust
 * authentication, UTF8), listening on a free loopback port, with a database ready to use.
 *
 * @example
 * const pg = await startPostgres();
 * try {
 *   const url = await pg.createDatabase("suite_a"); // postgres://openwop@127.0.0.1:54321/suite_a
 * } finally {
 *   await pg.stop();
 * }
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const server = new HarnessServer(findPostgresBinaries(options.binDir), resolveServerUser(), options);
  try {
    await server.initialise();
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
  return server;
}

/**
 * Runs `fn` with a fresh server and stops the server afterwards, whatever `fn` did.
 *
 * @example
 * await withPostgres(async (pg) => runMigrations(pg.url));
 */
export async function withPostgres<T>(
  fn: (server: PostgresServer) => Promise<T>,
  options?: StartPostgresOptions,
): Promise<T> {
  const server = await startPostgres(options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}
