import { readCpuSeconds, readCpuSecondsByName, readMemory } from "./processes.js";

/** Where the CPU went during one measurement, and how much memory the measured processes held. */
export interface ResourceUse {
  wallSeconds: number;
  /** CPU seconds of the measured processes (hosts, or the ceiling/peer process). */
  measuredCpuSeconds: number | null;
  /** CPU seconds of every Postgres server process, when Postgres took part. */
  postgresCpuSeconds: number | null;
  /** CPU seconds of the bench's own process (the HTTP clients). */
  benchCpuSeconds: number;
  /** Highest VmHWM among the measured processes, in bytes. */
  peakRssBytes: number | null;
}

/** Samples CPU counters at `start` and `stop`; the difference is the measurement's share. */
export class ResourceMeter {
  readonly #pids: readonly number[];
  readonly #withPostgres: boolean;
  #wall = 0;
  #measured = 0;
  #postgres = 0;
  #bench: NodeJS.CpuUsage = process.cpuUsage();

  constructor(pids: readonly number[], withPostgres: boolean) {
    this.#pids = pids;
    this.#withPostgres = withPostgres;
  }

  #measuredNow(): number {
    return this.#pids.reduce((total, pid) => total + (readCpuSeconds(pid) ?? 0), 0);
  }

  start(): this {
    this.#wall = performance.now();
    this.#measured = this.#measuredNow();
    this.#postgres = this.#withPostgres ? readCpuSecondsByName("postgres") : 0;
    this.#bench = process.cpuUsage();
    return this;
  }

  /** Reads the counters again; call before the measured processes exit. */
  stop(): ResourceUse {
    const bench = process.cpuUsage(this.#bench);
    const peaks = this.#pids.map((pid) => readMemory(pid)?.peakRssBytes ?? null).filter((v): v is number => v !== null);
    const round = (value: number): number => Math.round(value * 100) / 100;
    return {
      wallSeconds: round((performance.now() - this.#wall) / 1000),
      measuredCpuSeconds: this.#pids.length === 0 ? null : round(this.#measuredNow() - this.#measured),
      postgresCpuSeconds: this.#withPostgres ? round(readCpuSecondsByName("postgres") - this.#postgres) : null,
      benchCpuSeconds: round((bench.user + bench.system) / 1e6),
      peakRssBytes: peaks.length === 0 ? null : Math.max(...peaks),
    };
  }
}
