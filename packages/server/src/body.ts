import type { Context } from "hono";
import { ProtocolError, validationError } from "@openwop/core";
import type { JsonValue } from "@openwop/storage";
import { readBodyBytes } from "./body-reader.js";
import type { AppEnv } from "./context.js";
import { checkJsonBounds } from "./json-bounds.js";
import type { HostSettings } from "./settings/host-settings.js";

// Fatal, so a body that is not UTF-8 is refused rather than read with U+FFFD in place of its bytes.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a JSON request body. An empty body reads as `undefined` (callers decide whether
 * that is allowed). A body over the size limit is a 413; one that is not UTF-8 JSON, nests
 * deeper than the depth limit or holds text storage cannot keep is a 400 naming the
 * problem — never a 500.
 */
export async function readJsonBody(
  c: Context<AppEnv>,
  limits: Pick<HostSettings, "maxRequestBodyBytes" | "maxJsonDepth">,
): Promise<JsonValue | undefined> {
  const bytes = await readBodyBytes(c, limits.maxRequestBodyBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw validationError("request body is not valid UTF-8", { field: "body", reason: "invalid_utf8" });
  }
  if (text.trim().length === 0) return undefined;
  const contentType = c.req.header("content-type") ?? "";
  if (contentType && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
    throw new ProtocolError("unsupported_media_type", "request bodies must be application/json", {
      field: "Content-Type",
    });
  }
  let body: JsonValue;
  try {
    // JSON.parse is iterative in V8, so depth cannot hurt here; checkJsonBounds bounds it for everything after.
    body = JSON.parse(text) as JsonValue;
  } catch {
    throw validationError("request body is not valid JSON", { field: "body" });
  }
  checkJsonBounds(body, limits.maxJsonDepth);
  return body;
}
