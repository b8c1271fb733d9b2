import { readdirSync, readFileSync } from "node:fs";
import { OPERATIONS } from "@openwop/server";

/** One path the host serves and the methods it serves there. */
export interface RouteSpec {
  /** The OpenAPI path template, e.g. `/v1/runs/{runId}/cancel`. */
  template: string;
  /** Upper-case methods served on it. */
  methods: string[];
  /** The path parameters in order. */
  params: string[];
}

/**
 * The routes to fuzz: the operations table the server registers, joined with the paths of the
 * OpenAPI document the host actually serves. A route added to either joins the fuzzer with no
 * change here.
 */
export function routesOf(openapi: unknown): RouteSpec[] {
  const byTemplate = new Map<string, Set<string>>();
  const add = (template: string, method: string): void => {
    const methods = byTemplate.get(template) ?? new Set<string>();
    methods.add(method.toUpperCase());
    byTemplate.set(template, methods);
  };
  for (const op of OPERATIONS) add(op.path, op.method);
  const paths = (openapi as { paths?: Record<string, Record<string, unknown>> } | undefined)?.paths ?? {};
  for (const [template, operations] of Object.entries(paths)) {
    for (const method of Object.keys(operations)) {
      if (["get", "post", "put", "patch", "delete", "head", "options"].includes(method)) add(template, method);
    }
  }
  return [...byTemplate].map(([template, methods]) => ({
    template,
    methods: [...methods].sort(),
    params: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
  }));
}

/**
 * Query parameters the routes read, by path template. The OpenAPI document does not list
 * query parameters, so this table is joined with every `c.req.query("…")` found in the
 * server's route sources ({@link scannedQueryNames}); a parameter added there is fuzzed on
 * every route even before it is added here.
 */
export const QUERY_PARAMS: Readonly<Record<string, readonly string[]>> = {
  "/v1/runs/{runId}/events": ["streamMode", "lastEventId"],
  "/v1/runs/{runId}/events/poll": ["lastSequence", "since", "timeout"],
  "/v1/runs/{runId}/debug-bundle": ["maxEvents"],
  "/v1/keys": ["limit", "cursor"],
  "/v1/keys/failures": ["since"],
  "/v1/webhooks": ["limit", "cursor"],
  "/v1/webhooks/{webhookId}/deliveries": ["limit", "cursor", "status", "runId", "eventType"],
  "/v1/events": ["after", "types", "limit", "wait"],
};

/** Every query parameter name the server's route sources read. */
export function scannedQueryNames(): string[] {
  const names = new Set<string>();
  const dir = new URL("../../packages/server/src/routes/", import.meta.url);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
  } catch {
    // Outside the monorepo the table alone is used.
  }
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), "utf8");
    for (const match of source.matchAll(/\.query\(\s*"([^"]+)"\s*\)/g)) names.add(match[1] as string);
  }
  return [...names].sort();
}

/** Query names to fuzz on a route: its own first, then every other name known anywhere. */
export function queryNamesFor(template: string, everyName: readonly string[]): { own: string[]; all: string[] } {
  const own = [...(QUERY_PARAMS[template] ?? [])];
  const all = [...new Set([...own, ...Object.values(QUERY_PARAMS).flat(), ...everyName])];
  return { own, all };
}

/** Parameters that make a request wait (long poll, feed wait): kept short so the fuzzer never stalls. */
export const WAITING_PARAMS: ReadonlySet<string> = new Set(["timeout", "wait"]);

/** The refusals the served OpenAPI document lists per operation: `"GET /v1/runs/{runId}"` → status → codes. */
export type DocumentedErrors = ReadonlyMap<string, ReadonlyMap<number, ReadonlySet<string>>>;

export function documentedErrorsOf(openapi: unknown): DocumentedErrors {
  const documented = new Map<string, Map<number, Set<string>>>();
  const paths = (openapi as { paths?: Record<string, Record<string, unknown>> } | undefined)?.paths ?? {};
  for (const [template, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses = (operation as { responses?: Record<string, unknown> }).responses ?? {};
      const byStatus = new Map<number, Set<string>>();
      for (const [status, response] of Object.entries(responses)) {
        const codes = (response as { "x-openwop-error-codes"?: unknown })["x-openwop-error-codes"];
        if (Array.isArray(codes)) byStatus.set(Number(status), new Set(codes.map(String)));
      }
      documented.set(`${method.toUpperCase()} ${template}`, byStatus);
    }
  }
  return documented;
}
