import type { Context, Hono } from "hono";
import { requireInstant, validationError, type RunFilter } from "@openwop/core";
import { RUN_STATUS_VALUES, type RunList, type RunStatus } from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import type { AppEnv, ServerContext } from "../context.js";
import { decodeCreatedCursor, encodeCreatedCursor } from "./created-cursor.js";
import { parseBoundedInteger } from "./cursor.js";
import { MAX_PATH_PARAM_LENGTH } from "./params.js";

/** The query parameters `GET /v1/runs` reads; any other is refused, so a misspelt filter never lists everything. */
const PARAMETERS = ["status", "workflowId", "tag", "createdAfter", "createdBefore", "limit", "cursor"] as const;
type Parameter = (typeof PARAMETERS)[number];

/** Each parameter once: a second `status=` would otherwise be dropped without a word. */
function queryOf(c: Context<AppEnv>): Partial<Record<Parameter, string>> {
  const all = c.req.queries();
  const query: Partial<Record<Parameter, string>> = {};
  for (const [name, values] of Object.entries(all)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw validationError(`GET /v1/runs has no query parameter ${name.slice(0, 64)}`, {
        field: name.slice(0, 64),
        allowed: [...PARAMETERS],
      });
    }
    if (values.length > 1) throw validationError(`query parameter ${name} is given more than once`, { field: name });
    query[name as Parameter] = values[0];
  }
  return query;
}

/** A text filter: when present, not empty and no longer than any id. */
function textFilter(value: string | undefined, field: Parameter): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_PATH_PARAM_LENGTH) {
    throw validationError(`${field} must be 1 to ${MAX_PATH_PARAM_LENGTH} characters`, { field });
  }
  return value;
}

/** An instant filter, normalised to the UTC form runs are stored with, so storage compares like with like. */
function instantFilter(value: string | undefined, field: Parameter): string | undefined {
  return value === undefined ? undefined : new Date(requireInstant(value, field)).toISOString();
}

function filterOf(query: Partial<Record<Parameter, string>>): RunFilter {
  const { status } = query;
  if (status !== undefined && !(RUN_STATUS_VALUES as readonly string[]).includes(status)) {
    throw validationError(`status must be one of ${RUN_STATUS_VALUES.join(", ")}`, {
      field: "status",
      allowed: [...RUN_STATUS_VALUES],
    });
  }
  const filter: RunFilter = {};
  if (status !== undefined) filter.status = status as RunStatus;
  const workflowId = textFilter(query.workflowId, "workflowId");
  if (workflowId !== undefined) filter.workflowId = workflowId;
  const tag = textFilter(query.tag, "tag");
  if (tag !== undefined) filter.tag = tag;
  const createdAfter = instantFilter(query.createdAfter, "createdAfter");
  if (createdAfter !== undefined) filter.createdAfter = createdAfter;
  const createdBefore = instantFilter(query.createdBefore, "createdBefore");
  if (createdBefore !== undefined) filter.createdBefore = createdBefore;
  return filter;
}

/** `GET /v1/runs` (core.md §6.9): one page of the caller's tenant's runs, newest first. */
export function registerRunListRoute(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/v1/runs", authorize(ctx, "runs:read"), async (c) => {
    const query = queryOf(c);
    const filter = filterOf(query);
    const limit = parseBoundedInteger(query.limit, "limit", 1, 100, 50);
    const after = decodeCreatedCursor(query.cursor);
    const page = await ctx.engine.listRuns(c.get("principal").tenantId, filter, limit, after);
    const body: RunList = { runs: page.runs, nextCursor: page.next ? encodeCreatedCursor(page.next) : null };
    return c.json(body);
  });
}
