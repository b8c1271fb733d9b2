import type { Context } from "hono";
import { validationError } from "@openwop/core";

/** A path parameter the route pattern guarantees; a missing one is a routing bug reported as 400. */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name);
  if (typeof value !== "string" || value.length === 0) {
    throw validationError(`path parameter ${name} is required`, { field: name });
  }
  return value;
}
