import { randomUUID } from "node:crypto";
import type { NewRunRecord, RunCreation, StorageAdapter } from "@openwop/storage";
import { openPostgresAdapter } from "@openwop/storage-postgres";
import { openSqliteAdapter } from "@openwop/storage-sqlite";
import type { HostKind } from "./hosts.js";
import { CHAIN_WORKFLOW } from "./workflows.js";

/**
 * Seeding for the runs-list workload (9): finished runs written straight into a store through
 * the storage adapter's own `createRun` (the SPI the engine writes through), before the host
 * process opens the same SQLite file or Postgres database. Going through the adapter means
 * the rows, the tag rows of migration 0005 included, are exactly what a host writes; it is
 * only much faster than creating 100 000 runs over HTTP and executing each.
 *
 * Every run is finished (`completed`, `failed` or `cancelled`), so the host that opens the
 * store claims none of them, and finished within the last three days, so the host's retention
 * sweep (seven days by default) removes none while the workload measures.
 */

/** The tenant the bench's key lists; the other tenant's runs share the tables and indexes. */
export const LISTING_TENANT = "default";
export const OTHER_TENANT = "tenant-b";
/** One run in this many belongs to the other tenant (chosen at random). */
const OTHER_TENANT_SHARE = 0.25;

export const SEED_WORKFLOWS = ["orders-sync", "invoice-render", "nightly-report", "search-reindex", "email-digest"];
const STATUS_WEIGHTS = [
  ["completed", 0.65],
  ["failed", 0.2],
  ["cancelled", 0.15],
] as const;
const TEAMS = ["team:billing", "team:search", "team:ingest", "team:growth"];
/** Carried by a quarter of the runs, on top of an environment and a team tag. */
export const FILTER_TAG = "nightly";
export const FILTER_STATUS = "failed";
export const FILTER_WORKFLOW = "nightly-report";

/** Creation times fall in this window, ending a minute before seeding starts. */
const SPAN_MS = 3 * 24 * 3_600_000;
/** The createdAfter/createdBefore query asks for this slice of the window (a fifth of the runs). */
const WINDOW_SLICE = [0.4, 0.6] as const;

/** A small deterministic generator (mulberry32), so two seedings of one size look alike. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What the seeded store holds, as far as the workload checks its pages against it. */
export interface SeedPlan {
  runs: number;
  /** Runs of {@link LISTING_TENANT}; the rest belong to {@link OTHER_TENANT}. */
  tenantRuns: number;
  createdAfter: string;
  createdBefore: string;
  /** Runs of the listing tenant matching each filter query. */
  matching: { status: number; workflowId: number; tag: number; window: number };
}

export interface SeededRuns {
  plan: SeedPlan;
  seconds: number;
  runsPerSecond: number;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function statusOf(random: () => number): (typeof STATUS_WEIGHTS)[number][0] {
  let roll = random();
  for (const [status, weight] of STATUS_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return status;
  }
  return "completed";
}

/** The `runs` finished runs to seed, created over {@link SPAN_MS} up to `end`, and what they hold. */
export function planRuns(runs: number, end: number): { plan: SeedPlan; records: () => Iterable<NewRunRecord> } {
  const start = end - SPAN_MS;
  const createdAfter = new Date(start + SPAN_MS * WINDOW_SLICE[0]).toISOString();
  const createdBefore = new Date(start + SPAN_MS * WINDOW_SLICE[1]).toISOString();
  const plan: SeedPlan = {
    runs,
    tenantRuns: 0,
    createdAfter,
    createdBefore,
    matching: { status: 0, workflowId: 0, tag: 0, window: 0 },
  };
  const random = generator(runs);
  const all: NewRunRecord[] = [];
  for (let i = 0; i < runs; i++) {
    const tenantId = random() < OTHER_TENANT_SHARE ? OTHER_TENANT : LISTING_TENANT;
    const workflowId = pick(SEED_WORKFLOWS, random);
    const status = statusOf(random);
    const tags = [random() < 0.7 ? "env:prod" : "env:staging", pick(TEAMS, random)];
    if (random() < 0.25) tags.push(FILTER_TAG);
    // Whole seconds: with 100 000 runs in three days some share a createdAt, so pages and
    // cursors must break ties by runId, as they do in service under load.
    const created = Math.floor((start + random() * SPAN_MS) / 1000) * 1000;
    const startedAt = new Date(created + 5).toISOString();
    const finished = new Date(created + 20 + Math.floor(random() * 60_000)).toISOString();
    const createdAt = new Date(created).toISOString();
    if (tenantId === LISTING_TENANT) {
      plan.tenantRuns += 1;
      if (status === FILTER_STATUS) plan.matching.status += 1;
      if (workflowId === FILTER_WORKFLOW) plan.matching.workflowId += 1;
      if (tags.includes(FILTER_TAG)) plan.matching.tag += 1;
      if (createdAt > createdAfter && createdAt < createdBefore) plan.matching.window += 1;
    }
    all.push({
      runId: `run-${randomUUID()}`,
      tenantId,
      workflowId,
      status,
      // A small frozen definition, as a real run carries one (listing never reads it).
      definition: { ...CHAIN_WORKFLOW, id: workflowId } as unknown as NewRunRecord["definition"],
      inputs: {},
      variables: {},
      configurable: {},
      tags,
      metadata: { seededBy: "openwop-bench runs-list" },
      currentNodeId: null,
      error: status === "failed" ? { code: "node_failed", message: "seeded failure" } : null,
      engineState: {},
      cancelRequested: false,
      createdAt,
      startedAt,
      completedAt: finished,
      updatedAt: finished,
    });
  }
  return { plan, records: () => all };
}

async function openStore(kind: HostKind, storage: { sqlitePath?: string; databaseUrl?: string }) {
  if (kind === "sqlite") return openSqliteAdapter({ path: storage.sqlitePath as string });
  return openPostgresAdapter({
    connectionString: storage.databaseUrl as string,
    poolSize: 16,
    applicationName: "openwop-bench-seed",
  });
}

/** Creations in flight at once: enough for SQLite's group commit to batch and Postgres's pool to stay busy. */
const IN_FLIGHT: Record<HostKind, number> = { sqlite: 512, postgres: 32 };

/**
 * Writes the plan's runs into the store through `createRun`, `IN_FLIGHT` at a time, then
 * closes the adapter so the host process can open the store.
 */
export async function seedRuns(
  kind: HostKind,
  storage: { sqlitePath?: string; databaseUrl?: string },
  runs: number,
  onProgress: (done: number) => void,
): Promise<SeededRuns> {
  const { plan, records } = planRuns(runs, Date.now() - 60_000);
  const store: StorageAdapter = await openStore(kind, storage);
  const started = performance.now();
  try {
    const iterator = records()[Symbol.iterator]();
    let done = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT[kind] }, async () => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          const creation: RunCreation = { run: next.value };
          await store.createRun(creation);
          onProgress(++done);
        }
      }),
    );
  } finally {
    await store.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { plan, seconds: Math.round(seconds * 10) / 10, runsPerSecond: Math.round(runs / seconds) };
}
