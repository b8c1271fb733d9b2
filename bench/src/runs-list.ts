import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findPostgresBinaries } from "@openwop/pg-harness";
import { HostClient, type ListedRun, type RunListPage } from "./client.js";
import type { BenchEnvironment } from "./environment.js";
import type { HostKind, RunningHost } from "./hosts.js";
import { readMemory } from "./processes.js";
import {
  FILTER_STATUS,
  FILTER_TAG,
  FILTER_WORKFLOW,
  LISTING_TENANT,
  seedRuns,
  type SeedPlan,
} from "./runs-list-seed.js";
import { ratio, roundTo, summarize, type Summary } from "./stats.js";
import { withHosts } from "./workloads.js";

/**
 * Workload 9: a page of `GET /v1/runs` with many runs in storage. Each size gets a fresh
 * store seeded through the adapter (runs-list-seed.ts), then a host process over it, then
 * every query below `samples` times by `clients` keep-alive clients. The same queries at a
 * small and a large size in one bench run give the ratio that says whether a page costs
 * the same however many runs are stored (the indexes of migration 0005).
 */

export const LIST_QUERY_IDS = ["first-page", "status", "workflowId", "tag", "created-window", "deep"] as const;
export type ListQueryId = (typeof LIST_QUERY_IDS)[number];

export interface RunsListConfig {
  /** Runs seeded for the small and the large measurement (both tenants together). */
  smallRuns: number;
  largeRuns: number;
  /** `limit` of every page. */
  pageLimit: number;
  /** Pages followed through `nextCursor` by one deep walk (or until the last page). */
  deepPages: number;
  /** Measured requests per query and size (deep: pages, in whole walks). */
  samples: number;
  /** Keep-alive clients issuing them at once. */
  clients: number;
  /** Unmeasured requests per query first. */
  warmup: number;
}

/** The defaults of `./pnpmw bench --workloads runs-list` for `--list-runs N`. */
export function runsListConfig(listRuns: number): RunsListConfig {
  return {
    smallRuns: Math.min(1_000, listRuns),
    largeRuns: listRuns,
    pageLimit: 100,
    deepPages: 50,
    samples: 300,
    clients: 4,
    warmup: 20,
  };
}

export interface ListWalk {
  walks: number;
  /** Pages and runs of the last walk, and whether it ended on the last page (no `nextCursor`). */
  pagesPerWalk: number;
  runsPerWalk: number;
  expectedRunsPerWalk: number;
  reachedEnd: boolean;
  /** Latency of the deepest page of each walk. */
  deepestPageMs: Summary;
}

export interface ListQueryResult {
  id: ListQueryId;
  /** The query string, cursor left out. */
  query: string;
  /** Runs of the listing tenant that match. */
  matching: number;
  requests: number;
  /** Per page; for the deep walk, of the pages fetched with a cursor. */
  latencyMs: Summary;
  pagesPerSecond: number;
  runsPerPage: { min: number; max: number };
  /** What a first page must hold: min(limit, matching). */
  expectedRunsPerPage: number;
  /** Pages with the wrong count, a run that does not match, or out of order; none is expected. */
  mismatches: number;
  firstMismatch?: string;
  walk?: ListWalk;
}

export interface ListSizeResult {
  runs: number;
  tenantRuns: number;
  seedSeconds: number;
  seedRunsPerSecond: number;
  hostRssBytes: number | null;
  queries: ListQueryResult[];
  errors: number;
  firstError?: string;
}

export interface ListRatio {
  id: ListQueryId;
  /** p50 at the large size over p50 at the small size: near 1 when the page is indexed. */
  p50: number | null;
  p99: number | null;
}

export interface RunsListResult extends Omit<RunsListConfig, "smallRuns" | "largeRuns"> {
  small: ListSizeResult;
  large: ListSizeResult;
  ratios: ListRatio[];
}

interface QuerySpec {
  id: ListQueryId;
  params: Record<string, string>;
  matching: number;
  accepts: (run: ListedRun) => boolean;
}

function querySpecs(plan: SeedPlan, limit: number): QuerySpec[] {
  const l = String(limit);
  const all = (): boolean => true;
  return [
    { id: "first-page", params: { limit: l }, matching: plan.tenantRuns, accepts: all },
    {
      id: "status",
      params: { status: FILTER_STATUS, limit: l },
      matching: plan.matching.status,
      accepts: (r) => r.status === FILTER_STATUS,
    },
    {
      id: "workflowId",
      params: { workflowId: FILTER_WORKFLOW, limit: l },
      matching: plan.matching.workflowId,
      accepts: (r) => r.workflowId === FILTER_WORKFLOW,
    },
    {
      id: "tag",
      params: { tag: FILTER_TAG, limit: l },
      matching: plan.matching.tag,
      accepts: (r) => r.tags.includes(FILTER_TAG),
    },
    {
      id: "created-window",
      params: { createdAfter: plan.createdAfter, createdBefore: plan.createdBefore, limit: l },
      matching: plan.matching.window,
      accepts: (r) => r.createdAt > plan.createdAfter && r.createdAt < plan.createdBefore,
    },
    { id: "deep", params: { limit: l }, matching: plan.tenantRuns, accepts: all },
  ];
}

/** Newest first by createdAt, then runId; `previous` is the last run of the page before, if any. */
function inPageOrder(runs: readonly ListedRun[], previous?: ListedRun): boolean {
  let last = previous;
  for (const run of runs) {
    if (last && (run.createdAt > last.createdAt || (run.createdAt === last.createdAt && run.runId >= last.runId)))
      return false;
    last = run;
  }
  return true;
}

class Checker {
  mismatches = 0;
  first: string | undefined;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  count(page: RunListPage): void {
    this.min = Math.min(this.min, page.runs.length);
    this.max = Math.max(this.max, page.runs.length);
  }

  fail(reason: string): void {
    this.mismatches += 1;
    this.first ??= reason;
  }
}

/** Checks one first page (no cursor) of a query against the seeded plan. */
function checkFirstPage(spec: QuerySpec, limit: number, page: RunListPage, checker: Checker): void {
  checker.count(page);
  const expected = Math.min(limit, spec.matching);
  if (page.runs.length !== expected) checker.fail(`${spec.id}: ${page.runs.length} runs on a page, not ${expected}`);
  const stray = page.runs.find((run) => !spec.accepts(run));
  if (stray) checker.fail(`${spec.id}: run ${stray.runId} does not match the filter`);
  if (!inPageOrder(page.runs)) checker.fail(`${spec.id}: a page is not newest first`);
  if ((page.nextCursor !== null) !== spec.matching > limit)
    checker.fail(
      `${spec.id}: nextCursor ${page.nextCursor === null ? "missing" : "present"} with ${spec.matching} matching`,
    );
}

async function inParallel(clients: number, work: (client: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, client) => work(client)));
  return (performance.now() - started) / 1000;
}

/** One query's first page, `samples` times by `clients` clients, after `warmup` unmeasured. */
async function measureFirstPages(
  http: HostClient,
  spec: QuerySpec,
  config: RunsListConfig,
  fail: (error: unknown) => void,
): Promise<ListQueryResult> {
  const checker = new Checker();
  for (let i = 0; i < config.warmup; i++)
    checkFirstPage(spec, config.pageLimit, await http.listRuns(spec.params), checker);
  const latencies: number[] = [];
  let issued = 0;
  const seconds = await inParallel(config.clients, async () => {
    while (issued < config.samples) {
      issued += 1;
      try {
        const page = await http.listRuns(spec.params);
        latencies.push(page.latencyMs);
        checkFirstPage(spec, config.pageLimit, page, checker);
      } catch (error) {
        fail(error);
      }
    }
  });
  return {
    id: spec.id,
    query: new URLSearchParams(spec.params).toString(),
    matching: spec.matching,
    requests: latencies.length,
    latencyMs: summarize(latencies),
    pagesPerSecond: roundTo(latencies.length / seconds),
    runsPerPage: { min: checker.min, max: checker.max },
    expectedRunsPerPage: Math.min(config.pageLimit, spec.matching),
    mismatches: checker.mismatches,
    ...(checker.first === undefined ? {} : { firstMismatch: checker.first }),
  };
}

interface WalkOutcome {
  pages: number;
  runs: number;
  reachedEnd: boolean;
  deepestMs: number;
}

/** Follows `nextCursor` from the first page for `deepPages` pages or to the last page, checking every page. */
async function walk(
  http: HostClient,
  spec: QuerySpec,
  config: RunsListConfig,
  checker: Checker,
  cursorLatencies: number[] | undefined,
): Promise<WalkOutcome> {
  const seen = new Set<string>();
  let previous: ListedRun | undefined;
  let cursor: string | null = null;
  let pages = 0;
  let deepestMs = 0;
  do {
    const page: RunListPage = await http.listRuns(cursor === null ? spec.params : { ...spec.params, cursor });
    if (cursor !== null) cursorLatencies?.push(page.latencyMs);
    pages += 1;
    deepestMs = page.latencyMs;
    checker.count(page);
    if (page.nextCursor !== null && page.runs.length !== config.pageLimit)
      checker.fail(`deep: page ${pages} holds ${page.runs.length} runs and is not the last`);
    if (!inPageOrder(page.runs, previous)) checker.fail(`deep: page ${pages} is out of order`);
    for (const run of page.runs) {
      if (seen.has(run.runId)) checker.fail(`deep: run ${run.runId} listed twice`);
      seen.add(run.runId);
    }
    previous = page.runs.at(-1) ?? previous;
    cursor = page.nextCursor;
  } while (cursor !== null && pages < config.deepPages);
  const expected = Math.min(spec.matching, config.deepPages * config.pageLimit);
  if (seen.size !== expected) checker.fail(`deep: a walk saw ${seen.size} runs, not ${expected}`);
  const reachedEnd = cursor === null;
  if (reachedEnd !== spec.matching <= config.deepPages * config.pageLimit)
    checker.fail(`deep: the walk ${reachedEnd ? "ended" : "did not end"} with ${spec.matching} runs listed`);
  return { pages, runs: seen.size, reachedEnd, deepestMs };
}

/** Deep paging: whole walks by `clients` clients until `samples` pages were fetched. */
async function measureDeepPaging(
  http: HostClient,
  spec: QuerySpec,
  config: RunsListConfig,
  fail: (error: unknown) => void,
): Promise<ListQueryResult> {
  const checker = new Checker();
  const warm = await walk(http, spec, config, checker, undefined);
  const walksWanted = Math.max(config.clients, Math.ceil(config.samples / warm.pages));
  const latencies: number[] = [];
  const deepest: number[] = [];
  let started = 0;
  let pages = 0;
  let last = warm;
  const seconds = await inParallel(config.clients, async () => {
    while (started < walksWanted) {
      started += 1;
      try {
        last = await walk(http, spec, config, checker, latencies);
        pages += last.pages;
        deepest.push(last.deepestMs);
      } catch (error) {
        fail(error);
      }
    }
  });
  return {
    id: spec.id,
    query: `${new URLSearchParams(spec.params).toString()}, then nextCursor up to ${config.deepPages} pages`,
    matching: spec.matching,
    requests: latencies.length,
    latencyMs: summarize(latencies),
    pagesPerSecond: roundTo(pages / seconds),
    runsPerPage: { min: checker.min, max: checker.max },
    expectedRunsPerPage: Math.min(config.pageLimit, spec.matching),
    mismatches: checker.mismatches,
    ...(checker.first === undefined ? {} : { firstMismatch: checker.first }),
    walk: {
      walks: deepest.length,
      pagesPerWalk: last.pages,
      runsPerWalk: last.runs,
      expectedRunsPerWalk: Math.min(spec.matching, config.deepPages * config.pageLimit),
      reachedEnd: last.reachedEnd,
      deepestPageMs: summarize(deepest),
    },
  };
}

/** ANALYZE after seeding on Postgres: autovacuum would have within a minute of such an insert. */
async function analyze(databaseUrl: string): Promise<void> {
  await promisify(execFile)(findPostgresBinaries().psql, ["-X", "-q", "-d", databaseUrl, "-c", "ANALYZE"]);
}

async function measureSize(
  env: BenchEnvironment,
  kind: HostKind,
  runs: number,
  config: RunsListConfig,
  label: string,
): Promise<ListSizeResult> {
  const storage = await env.freshStorage(kind, `w9_${label}`);
  env.progress.step(`seeding ${runs.toLocaleString("en-US")} runs through the ${kind} adapter's createRun`);
  const seeded = await seedRuns(kind, storage, runs, env.progress.counter("seeded", runs));
  env.progress.step(`seeded in ${seeded.seconds} s (${seeded.runsPerSecond} runs/s)`);
  if (storage.databaseUrl) {
    await analyze(storage.databaseUrl);
    await env.checkpoint(storage.databaseUrl);
  }
  return withHosts(
    env,
    kind,
    `w9_${label}`,
    1,
    async ([host]) => {
      const running = host as RunningHost;
      const http = new HostClient(running.url, env.apiKey, config.clients + 2);
      let errors = 0;
      let firstError: string | undefined;
      const fail = (error: unknown): void => {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      };
      try {
        const queries: ListQueryResult[] = [];
        for (const spec of querySpecs(seeded.plan, config.pageLimit)) {
          const result =
            spec.id === "deep"
              ? await measureDeepPaging(http, spec, config, fail)
              : await measureFirstPages(http, spec, config, fail);
          queries.push(result);
          env.progress.step(
            `${spec.id.padEnd(14)} p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.pagesPerSecond} pages/s` +
              (result.mismatches > 0 ? ` — ${result.mismatches} wrong pages: ${result.firstMismatch}` : ""),
          );
        }
        return {
          runs,
          tenantRuns: seeded.plan.tenantRuns,
          seedSeconds: seeded.seconds,
          seedRunsPerSecond: seeded.runsPerSecond,
          hostRssBytes: readMemory(running.process.pid)?.rssBytes ?? null,
          queries,
          errors,
          ...(firstError === undefined ? {} : { firstError }),
        };
      } finally {
        await http.close();
      }
    },
    {},
    storage,
  );
}

/** Workload 9 on one host: the small size, then the large, then the ratio of each query's p50 and p99. */
export async function measureRunsList(
  env: BenchEnvironment,
  kind: HostKind,
  config: RunsListConfig = runsListConfig(env.options.listRuns),
): Promise<RunsListResult> {
  env.progress.step(`${config.smallRuns.toLocaleString("en-US")} runs in storage (tenant ${LISTING_TENANT} listed)`);
  const small = await measureSize(env, kind, config.smallRuns, config, "small");
  env.progress.step(`${config.largeRuns.toLocaleString("en-US")} runs in storage`);
  const large = await measureSize(env, kind, config.largeRuns, config, "large");
  const ratios = LIST_QUERY_IDS.map((id): ListRatio => {
    const a = large.queries.find((q) => q.id === id)?.latencyMs;
    const b = small.queries.find((q) => q.id === id)?.latencyMs;
    return { id, p50: ratio(a?.p50, b?.p50), p99: ratio(a?.p99, b?.p99) };
  });
  env.progress.step(
    `p50 ${config.largeRuns} / ${config.smallRuns}: ${ratios.map((r) => `${r.id} ${r.p50}`).join(", ")}`,
  );
  const { smallRuns: _s, largeRuns: _l, ...settings } = config;
  return { ...settings, small, large, ratios };
}
