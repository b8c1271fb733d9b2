import type { Context } from "hono";
import { ProtocolError, validationError } from "@openwop/core";
import type { JsonValue } from "@openwop/storage";

/**
 * Reads a JSON request body. An empty body reads as `undefined` (callers decide whether
 * that is allowed); anything that is not JSON is a 400 naming the problem, never a 500.
 */
export async function readJsonBody(c: Context): Promise<JsonValue | undefined> {
  const text = await c.req.text();
  if (text.trim().length === 0) return undefined;
  const contentType = c.req.header("content-type") ?? "";
  if (contentType && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
    throw new ProtocolError("unsupported_media_type", "request bodies must be application/json", {
      field: "Content-Type",
    });
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw validationError("request body is not valid JSON", { field: "body" });
  }
}
