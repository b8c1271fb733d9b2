import type { OpenWopClient } from "@openwop/client";
import { validateEventFeedPage } from "@openwop/schema";
import type { EventFeedPage, FeedEntry } from "@openwop/types";
import type { Assertions } from "../runner/assertions.js";
import type { ScenarioContext } from "../runner/scenario.js";
import { assertSchemaValid } from "./schema-checks.js";

/** Most pages one read of the feed follows before the suite gives up on reaching its end. */
export const MAX_FEED_PAGES = 500;

export interface FeedRead {
  readonly entries: readonly FeedEntry[];
  /** The `nextCursor` of the last (empty) page: where a later read continues. */
  readonly end: string | null;
  readonly pages: number;
}

export interface FeedReadOptions {
  readonly after?: string | null;
  readonly limit?: number;
  readonly types?: readonly string[];
  readonly label: string;
  /** Another key's client (tenant isolation); the primary's by default. */
  readonly client?: OpenWopClient;
}

/** `GET /v1/events` with the query of webhooks.md §15, asserted 200 and `event-feed-page`. */
export async function feedPage(
  context: ScenarioContext,
  options: FeedReadOptions & { readonly wait?: number },
): Promise<EventFeedPage> {
  const assert: Assertions = context.assert;
  const query = new URLSearchParams();
  if (options.after !== undefined && options.after !== null) query.set("after", options.after);
  if (options.types !== undefined) query.set("types", options.types.join(","));
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  if (options.wait !== undefined) query.set("wait", String(options.wait));
  const client = options.client ?? context.client;
  const path = `/v1/events${query.size > 0 ? `?${query}` : ""}`;
  const response = await client.raw(
    "GET",
    path,
    options.wait === undefined ? {} : { timeoutMs: context.scaled(20_000) + options.wait * 1000 },
  );
  assert.equal(response.status, 200, `${options.label}: GET /v1/events status (answer ${response.text.slice(0, 160)})`);
  assertSchemaValid(assert, validateEventFeedPage, response.body, `${options.label}: GET /v1/events`);
  const page = response.body as EventFeedPage;
  if (options.limit !== undefined)
    assert.ok(
      page.events.length <= options.limit,
      `${options.label}: a page holds at most limit=${options.limit} entries (got ${page.events.length})`,
    );
  if (page.events.length > 0) {
    assert.equal(
      page.nextCursor,
      page.events.at(-1)?.cursor,
      `${options.label}: nextCursor is the last entry's cursor`,
    );
  } else if (options.after !== undefined && options.after !== null) {
    assert.equal(page.nextCursor, options.after, `${options.label}: an empty page's nextCursor is the after sent`);
  } else {
    assert.equal(
      page.nextCursor,
      null,
      `${options.label}: an empty page from the start means no event, nextCursor null`,
    );
  }
  return page;
}

/**
 * Follows `nextCursor` from `after` until a page comes back empty, asserting each page
 * (`feedPage`) and that no cursor repeats. Fails after {@link MAX_FEED_PAGES} pages.
 */
export async function readFeed(context: ScenarioContext, options: FeedReadOptions): Promise<FeedRead> {
  const entries: FeedEntry[] = [];
  const cursors = new Set<string>();
  let after = options.after ?? null;
  for (let page = 1; page <= MAX_FEED_PAGES; page += 1) {
    const answer = await feedPage(context, { ...options, after, label: `${options.label}, page ${page}` });
    if (answer.events.length === 0) return { entries, end: answer.nextCursor, pages: page };
    for (const entry of answer.events) {
      context.assert.ok(!cursors.has(entry.cursor), `${options.label}: cursor ${entry.cursor} appears once`);
      cursors.add(entry.cursor);
      entries.push(entry);
    }
    after = answer.nextCursor;
    if (context.signal.aborted) break;
  }
  return context.assert.fail(`${options.label}: the feed did not end within ${MAX_FEED_PAGES} pages`);
}

/** Where the tenant's feed ends now: read to the end in pages of 1000. */
export async function feedTail(
  context: ScenarioContext,
  label: string,
  client?: OpenWopClient,
): Promise<string | null> {
  const read = await readFeed(context, { limit: 1000, label, ...(client === undefined ? {} : { client }) });
  return read.end;
}
