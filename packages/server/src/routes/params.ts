import type { Context, MiddlewareHandler } from "hono";
import { unstorableTextReason, validationError } from "@openwop/core";

/** Longer than any id a host issues or a workflow may declare (ids are at most 128 characters). */
export const MAX_PATH_PARAM_LENGTH = 256;

/** C0 and C1 controls and DEL: no id or query value of the protocol contains one. */
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** Refuses text a parameter can never hold, before any storage sees it (the same 400 on every storage). */
function refuseUnsafeParameter(value: string, field: string, kind: "path" | "query"): void {
  const reason = hasControlCharacter(value) ? "contains a control character" : unstorableTextReason(value);
  if (reason !== undefined) {
    throw validationError(`${kind} parameter ${field} ${reason}`, { field, reason: "invalid_text" });
  }
}

/**
 * A path parameter, checked before any storage sees it: present, at most
 * {@link MAX_PATH_PARAM_LENGTH} characters, and free of control characters and text no
 * storage can keep. Anything else is a 400 naming the parameter — an id that fails this
 * cannot name anything, so no lookup is made.
 */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name);
  if (typeof value !== "string" || value.length === 0) {
    throw validationError(`path parameter ${name} is required`, { field: name });
  }
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

/**
 * Checks every query parameter of every request the same way, so a filter value with NUL in
 * it (`?runId=%00`) is a 400 on every storage rather than whatever the storage makes of it.
 * Each route still parses and bounds the parameters it reads.
 */
export function queryParameterText(): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, values] of Object.entries(c.req.queries())) {
      refuseUnsafeParameter(name, "query", "query");
      for (const value of values) refuseUnsafeParameter(value, name, "query");
    }
    await next();
  };
}
