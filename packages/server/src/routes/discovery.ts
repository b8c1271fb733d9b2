import type { Hono } from "hono";
import { sha256Hex } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";
import type { AppEnv } from "../context.js";

/** Serves a fixed public JSON document with caching headers, an ETag, and 304 on a match. */
export function servePublicDocument(app: Hono<AppEnv>, path: string, document: JsonObject): void {
  const body = JSON.stringify(document);
  const etag = `"${sha256Hex(body).slice(0, 32)}"`;
  app.get(path, (c) => {
    c.header("Cache-Control", "public, max-age=300");
    c.header("ETag", etag);
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch?.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
      return c.body(null, 304);
    }
    c.header("Content-Type", "application/json; charset=utf-8");
    return c.body(body, 200);
  });
}
