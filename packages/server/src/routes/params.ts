import type { Context, MiddlewareHandler } from "hono";
import { MAX_ID_LENGTH, unsafeIdTextReason, validationError } from "@openwop/core";

/** The longest path parameter: no id is longer. */
export const MAX_PATH_PARAM_LENGTH = MAX_ID_LENGTH;

/** Refuses text a parameter can never hold, before any storage sees it (the same 400 on every storage). */
function refuseUnsafeParameter(value: string, field: string, kind: "path" | "query"): void {
  const reason = unsafeIdTextReason(value);
  if (reason !== undefined) {
    throw validationError(`${kind} parameter ${field} ${reason}`, { field, reason: "invalid_text" });
  }
}

/**
 * A path parameter (without `suffix`, a custom method sharing its segment), checked before any storage sees it: present, at most
 * {@link MAX_PATH_PARAM_LENGTH} characters, and free of control characters and text no
 * storage can keep. Anything else is a 400 naming the parameter — an id that fails this
 * cannot name anything, so no lookup is made.
 */
export function pathParam(c: Context, name: string, suffix = ""): string {
  const whole = c.req.param(name);
  // A custom method (`/v1/runs/{runId}:pause`) shares the segment with the id: the route's
  // pattern ends the parameter with it, and the id is what comes before.
  const value =
    typeof whole === "string" && whole.endsWith(suffix) ? whole.slice(0, whole.length - suffix.length) : whole;
  if (typeof value !== "string" || value.length === 0) {
    throw validationError(`path parameter ${name} is required`, { field: name });
  }
  // The router keeps a segment whose escapes are not UTF-8 (`%ff`) as raw text, so check what was sent.
  const raw = rawSegmentOf(c, name);
  if (raw !== undefined && decodedComponent(raw) === undefined) refuseUndecodable(name, "path");
  if (value.length > MAX_PATH_PARAM_LENGTH) {
    throw validationError(`path parameter ${name} is longer than ${MAX_PATH_PARAM_LENGTH} characters`, {
      field: name,
      reason: "too_long",
      maxLength: MAX_PATH_PARAM_LENGTH,
    });
  }
  refuseUnsafeParameter(value, name, "path");
  return value;
}

/** Percent-decodes one component, or undefined when its escapes are not UTF-8 (`%ff`, `%ED%A0%80`, `%zz`). */
function decodedComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The raw path and query of the request, as the client sent them (nothing decoded). */
function rawTarget(url: string): { path: string; query: string } {
  const afterScheme = url.indexOf("//");
  const pathStart = url.indexOf("/", afterScheme < 0 ? 0 : afterScheme + 2);
  const rest = pathStart < 0 ? "" : (url.slice(pathStart).split("#", 1)[0] ?? "");
  const queryStart = rest.indexOf("?");
  return queryStart < 0
    ? { path: rest, query: "" }
    : { path: rest.slice(0, queryStart), query: rest.slice(queryStart + 1) };
}

function refuseUndecodable(field: string, kind: "path" | "query"): never {
  throw validationError(`${kind} parameter ${field} is not valid percent-encoded UTF-8`, {
    field,
    reason: "invalid_percent_encoding",
  });
}

/** The segment of the raw path that holds parameter `name` of the route answering (`/v1/runs/:runId`). */
function rawSegmentOf(c: Context, name: string): string | undefined {
  const position = c.req.routePath
    .split("/")
    .findIndex((segment) => segment === `:${name}` || segment.startsWith(`:${name}{`));
  return position < 0 ? undefined : rawTarget(c.req.url).path.split("/")[position];
}

/**
 * Checks every query parameter of every request before any route reads it, so every storage
 * gives the same 400: each name and value must percent-decode as UTF-8 (the router would
 * otherwise keep the raw escapes) and hold no control character (`?runId=%00`). Each route
 * still parses and bounds the parameters it reads; path parameters are checked by {@link pathParam}.
 */
export function queryParameterText(): MiddlewareHandler {
  return async (c, next) => {
    const { query } = rawTarget(c.req.url);
    for (const pair of query === "" ? [] : query.split("&")) {
      const [rawName = "", rawValue = ""] = pair.replace(/\+/g, " ").split(/=(.*)/s, 2);
      const name = decodedComponent(rawName) ?? refuseUndecodable("(name)", "query");
      refuseUnsafeParameter(name, "query", "query");
      const value = decodedComponent(rawValue) ?? refuseUndecodable(name, "query");
      refuseUnsafeParameter(value, name, "query");
    }
    await next();
  };
}
