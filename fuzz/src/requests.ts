import fc from "fast-check";
import { anyBody, describeBody, type BodySpec, type FuzzTargets } from "./bodies.js";
import { queryNamesFor, WAITING_PARAMS, type RouteSpec } from "./routes.js";
import {
  clip,
  hasControlChar,
  junkString,
  junkTimestamp,
  meaningfulString,
  percentEncode,
  poisonChar,
  poisonedString,
  repeatedString,
} from "./strings.js";
import type { WireRequest } from "./wire.js";

/** What the host should make of a path parameter, when the rule is clear (core.md §2.2). */
export type ParamVerdict =
  /** Valid text of at most 256 characters: an unknown id answers 404, a known one is served. */
  | "valid"
  /** Over 256 characters, a control character, or escapes that are not UTF-8: 400 naming it. */
  | "invalid"
  /** Dot segments, malformed escapes, raw bytes: only the general rules apply. */
  | "unclear";

export interface PathParam {
  /** As written in the request-target. */
  encoded: string;
  verdict: ParamVerdict;
  /** One of the host's real ids. */
  known: boolean;
}

/** One generated request, kept as parts so the oracle can reason about them. */
export interface FuzzCase {
  method: string;
  /** The route template it aims at, or the literal path for off-route targets. */
  route: string;
  params: Record<string, PathParam>;
  query: Array<readonly [string, string]>;
  /** Appended verbatim after the encoded pairs: malformed query syntax. */
  rawQuery: string;
  headers: Array<readonly [string, string]>;
  body: BodySpec;
  /** Send the body chunked in pieces of about this size rather than with a Content-Length (the size limit must hold either way). */
  chunkSize?: number;
}

const MAX_PARAM_LENGTH = 256;

/** Whether the bootstrap key is presented exactly once, as a well-formed bearer credential. */
export function hasGoodAuth(request: FuzzCase, apiKey: string): boolean {
  const auth = request.headers.filter(([name]) => name.toLowerCase() === "authorization");
  return auth.length === 1 && auth[0]?.[1] === `Bearer ${apiKey}`;
}

export function targetOf(request: FuzzCase): string {
  let path = request.route;
  for (const [name, param] of Object.entries(request.params)) path = path.replace(`{${name}}`, param.encoded);
  const pairs = request.query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`);
  const query = [...pairs, ...(request.rawQuery ? [request.rawQuery] : [])].join("&");
  return query ? `${path}?${query}` : path;
}

export function wireRequestOf(request: FuzzCase, body: Buffer | undefined): WireRequest {
  return {
    method: request.method,
    target: targetOf(request),
    headers: [["host", "127.0.0.1"], ...request.headers],
    ...(body === undefined ? {} : { body }),
    // At most a few thousand chunks, so a 2 MiB body in 16-byte pieces does not become 100 000 writes' worth of framing.
    ...(body === undefined || request.chunkSize === undefined
      ? {}
      : { chunkSize: Math.max(request.chunkSize, Math.ceil(body.length / 4_000)) }),
  };
}

/** One line per case for fast-check's report: a 1 MiB body or a 4 000-character id must not be printed whole. */
export function describeCase(request: FuzzCase): string {
  const headers = request.headers.map(([name, value]) => `${name}: ${clip(JSON.stringify(value), 80)}`).join("; ");
  const framing = request.chunkSize === undefined ? "" : ` chunked by ${request.chunkSize}`;
  return `${request.method} ${clip(targetOf(request), 300)} [${headers}] ${describeBody(request.body)}${framing}`;
}

/** Gives a case its one-line description in fast-check's reports. */
export function withDescription(request: FuzzCase): FuzzCase {
  Object.defineProperty(request, fc.toStringMethod, { value: () => describeCase(request), enumerable: false });
  return request;
}

/** What a decoded path segment is, by the rule the host must apply. */
export function verdictOf(encoded: string): ParamVerdict {
  if (/^(\.|%2e){1,2}$/i.test(encoded)) return "unclear";
  if (/%(?![0-9a-f]{2})/i.test(encoded) || /[^\x21-\x7e]/.test(encoded)) return "unclear";
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    // Well-formed escapes that are not UTF-8 (%ff, an encoded lone surrogate).
    return "invalid";
  }
  // C1 controls (U+0080–U+009F) are left to the general rules: the spec names control characters, not which.
  if (/[\u0080-\u009f]/.test(decoded)) return "unclear";
  if (hasControlChar(decoded) || [...decoded].length > MAX_PARAM_LENGTH || decoded.length > MAX_PARAM_LENGTH)
    return "invalid";
  if (decoded.length === 0) return "unclear";
  return "valid";
}

const encodedParam = (raw: string, known = false): PathParam => {
  const encoded = percentEncode(raw);
  return { encoded, verdict: verdictOf(encoded), known };
};

/** Ids for one path parameter: real ones, plausible unknown ones, and hostile ones. */
export function pathParamArb(name: string, targets: FuzzTargets): fc.Arbitrary<PathParam> {
  const known = targets.known[name] ?? [];
  const literal = (encoded: string): PathParam => ({ encoded, verdict: verdictOf(encoded), known: false });
  return fc.oneof(
    ...(known.length > 0
      ? [{ weight: 6, arbitrary: fc.constantFrom(...known).map((id) => encodedParam(id, true)) }]
      : []),
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z]{1,4}_[0-9a-f]{1,32}$/).map((id) => encodedParam(id)) },
    {
      weight: 2,
      arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).map((id) => encodedParam(id)),
    },
    { weight: 2, arbitrary: poisonedString.map((id) => encodedParam(id)) },
    { weight: 1, arbitrary: fc.constantFrom(255, 256, 257, 300).map((length) => encodedParam("x".repeat(length))) },
    {
      weight: 1,
      // Bounded as sent (percent-encoded: up to 12 bytes per character), so that two such ids
      // and the headers stay within the host's 16 KiB header section: past it the host
      // rightly answers 431 before looking at a path parameter.
      arbitrary: repeatedString(257, 4_000)
        .filter((id) => percentEncode(id).length < 5_000)
        .map((id) => encodedParam(id)),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          "%00",
          "%ff",
          "%FE%FF",
          "%ED%A0%80",
          "%C0%AF",
          "%e2%82",
          "%2e%2e",
          "..",
          ".",
          "%2F",
          "a%2Fb",
          "%5C",
          "%",
          "%zz",
          "%25",
          "%01",
          "%7F",
          "%0D%0A",
          "a;b",
          "%20",
          "~",
          "%C2%85",
          "%E2%80%AE",
          "%F0%9F%98%80",
          "__proto__",
          "constructor",
        )
        .map(literal),
    },
  );
}

/** A Content-Type: JSON in its spellings, other media types, junk, or none. */
const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constant("application/json") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "application/merge-patch+json",
      "application/vnd.openwop+json",
      "application/jsonx",
      "application/json; charset=latin1",
      "text/plain",
      "text/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/octet-stream",
      "*/*",
      "",
      ";",
      "application/",
      "json",
    ),
  },
  { weight: 2, arbitrary: junkString },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

/** Authorization: the bootstrap key (mostly), none, or a broken credential. */
function authorization(apiKey: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 16, arbitrary: fc.constant(`Bearer ${apiKey}`) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constantFrom(
          "Bearer",
          "Bearer ",
          "Basic dXNlcjpwYXNz",
          `bearer ${apiKey}`,
          `Bearer  ${apiKey}`,
          `Bearer ${apiKey} extra`,
          apiKey,
          `Bearer ${apiKey.toUpperCase()}`,
          `Bearer ${apiKey}\u0000`,
          `Bearer ${apiKey.slice(0, -1)}`,
          "Bearer hk_live_0000000000000000",
          "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
          "Bearer a.b.c",
        ),
        junkString.map((junk) => `Bearer ${junk}`),
        junkString,
        repeatedString(4_000, 12_000).map((junk) => `Bearer ${junk}`),
      ),
    },
  );
}

const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      poisonedString,
      meaningfulString,
      fc.constantFrom("k".repeat(255), "k".repeat(256), "has spaces", "\u0000", "\u0001key"),
      repeatedString(256, 10_000),
    ),
  },
);

const lastEventId: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.nat({ max: 50 }).map(String) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom("-1", "99999999999999999999", "1e3", " 1", "0x1", "1.5", "NaN", "", "\u00001"),
      junkString,
    ),
  },
);

const traceparent: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/), fc.constantFrom("00", "01"))
      .map(([trace, span, flags]) => `00-${trace}-${span}-${flags}`),
  },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom(
        "00-00000000000000000000000000000000-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e4736",
        "00--00f067aa0ba902b7-01",
        "",
        "-",
      ),
      junkString,
      repeatedString(100, 8_000),
    ),
  },
);

/** A few more headers a host might read, log or trip over. */
const extraHeaders: fc.Arbitrary<Array<readonly [string, string]>> = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constantFrom(
        "accept",
        "if-none-match",
        "x-request-id",
        "x-forwarded-for",
        "cookie",
        "user-agent",
        "accept-encoding",
        "x-fuzz",
        "origin",
        "prefer",
      ),
      junkString,
    ),
    fc.tuple(fc.constant("accept"), fc.constantFrom("text/event-stream", "application/json", "*/*", "text/html", "")),
    // A body that claims a compression it does not have (or one the host never offered).
    fc.tuple(
      fc.constant("content-encoding"),
      fc.constantFrom("gzip", "deflate", "br", "zstd", "identity", "gzip, gzip", "x-junk", ""),
    ),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), fc.string({ maxLength: 40 })),
  ),
  { maxLength: 3 },
);

/** A header value must not end the header line: CR and LF are raw-framing cases, not header junk. */
const oneLine = (value: string): string => value.replace(/[\r\n]/g, " ");

export interface HeaderOptions {
  /** Set a JSON Content-Type on every request that carries a body (the targeted body properties). */
  jsonContentType?: boolean;
  /** Only the bootstrap key, no junk credentials. */
  goodAuth?: boolean;
  /** No junk in the other headers (targeted properties keep one variable at a time). */
  plain?: boolean;
}

export function headersArb(
  targets: FuzzTargets,
  options: HeaderOptions = {},
): fc.Arbitrary<Array<readonly [string, string]>> {
  const plain = options.plain === true;
  return fc
    .record({
      authorization: options.goodAuth ? fc.constant(`Bearer ${targets.apiKey}`) : authorization(targets.apiKey),
      contentType: options.jsonContentType ? fc.constant("application/json") : contentType,
      idempotencyKey: plain ? fc.constant(undefined) : idempotencyKey,
      lastEventId: plain ? fc.constant(undefined) : lastEventId,
      traceparent: plain ? fc.constant(undefined) : traceparent,
      extra: plain ? fc.constant<Array<readonly [string, string]>>([]) : extraHeaders,
      duplicateContentType: plain
        ? fc.constant(undefined)
        : fc.option(fc.constantFrom("text/plain", "application/json"), { freq: 12 }),
    })
    .map((parts) => {
      const headers: Array<readonly [string, string]> = [];
      const add = (name: string, value: string | undefined | null): void => {
        if (value !== undefined && value !== null) headers.push([name, oneLine(value)]);
      };
      add("authorization", parts.authorization);
      add("content-type", parts.contentType);
      add("content-type", parts.duplicateContentType);
      add("idempotency-key", parts.idempotencyKey);
      add("last-event-id", parts.lastEventId);
      add("traceparent", parts.traceparent);
      for (const [name, value] of parts.extra) add(name, value);
      return headers;
    });
}

/** Sensible values for a query parameter, so the parsers are reached with something they accept. */
function sensibleQueryValue(name: string, targets: FuzzTargets): fc.Arbitrary<string> {
  switch (name) {
    case "limit":
    case "maxEvents":
      return fc.integer({ min: 1, max: 1000 }).map(String);
    // The shortest waits each accepts (poll: 1..60, feed: 0..60); the fuzzed runs are finished, so neither waits long.
    case "timeout":
      return fc.constant("1");
    case "wait":
      return fc.constant("0");
    case "lastSequence":
    case "since":
    case "lastEventId":
      return fc.oneof(fc.nat({ max: 20 }).map(String), junkTimestamp);
    case "streamMode":
      return fc.constantFrom(
        "values",
        "updates",
        "messages",
        "debug",
        "values,updates",
        "updates,messages",
        "updates,debug",
      );
    case "types":
      return fc.constantFrom("run.completed", "run.completed,run.failed", "node.started");
    case "status":
      return fc.constantFrom("pending", "delivered", "dead", "failed", "retrying");
    case "runId":
      return fc.constantFrom(...(targets.known["runId"] ?? ["run_x"]));
    case "eventType":
      return fc.constantFrom("run.completed", "run.failed");
    default:
      return fc.string({ maxLength: 20 });
  }
}

/** A junk query value; for parameters that make the host wait, never one it would read as a long wait. */
function junkQueryValue(name: string): fc.Arbitrary<string> {
  const junk = fc.oneof(
    junkString,
    fc.constantFrom(
      "-1",
      "1.5",
      "1e3",
      "NaN",
      "Infinity",
      "99999999999999999999",
      "0x10",
      " ",
      "%00",
      "\u0000",
      "a,b,,",
      ",",
    ),
  );
  if (!WAITING_PARAMS.has(name)) return junk;
  return junk.filter((value) => !(Number(value) > 0));
}

/** Query pairs for a route: its own parameters (sensible or junk), others', repeats, and broken syntax. */
export function queryArb(
  route: RouteSpec,
  everyName: readonly string[],
  targets: FuzzTargets,
): fc.Arbitrary<{ pairs: Array<readonly [string, string]>; raw: string }> {
  const { own, all } = queryNamesFor(route.template, everyName);
  const names = fc.oneof(
    ...(own.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...own) }] : []),
    { weight: 1, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.oneof(junkString, poisonChar) },
  );
  const pair = names.chain((name) =>
    fc
      .oneof(
        { weight: 3, arbitrary: sensibleQueryValue(name, targets) },
        { weight: 2, arbitrary: junkQueryValue(name) },
      )
      .map((value) => [name, value] as const),
  );
  return fc.record({
    pairs: fc.array(pair, { maxLength: 4 }),
    raw: fc.oneof(
      { weight: 8, arbitrary: fc.constant("") },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "&",
          "=",
          "&&==",
          "%",
          "%zz=1",
          "a=%ff",
          "%00=1",
          "limit",
          "limit=1&limit=2",
          "wait=0&wait=x",
          "a[b]=1",
          "__proto__=1",
        ),
      },
    ),
  });
}

const OTHER_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;

/** The route's own methods mostly, else another method, a lower-case one, or a token the parser does not know. */
function methodArb(route: RouteSpec): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...route.methods) },
    { weight: 3, arbitrary: fc.constantFrom(...OTHER_METHODS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("get", "FOO", "PROPFIND", "M-SEARCH", "PURGE", "GET\u0000", "G%45T", "X".repeat(300)),
    },
  );
}

/** Paths that belong to no route: unversioned, wrong version, near misses, odd target forms. */
export const OFF_ROUTE_PATHS = [
  "/",
  "/v1",
  "/v1/",
  "/v2/runs",
  "/v1/runs/",
  "//v1/runs",
  "/V1/RUNS",
  "/v1/runs/%2e%2e/",
  "/v1/./runs",
  "/v1/runs/../keys",
  "*",
  "http://127.0.0.1/v1/runs",
  "/v1/runs#frag",
  "/.well-known/openwop/",
  "/.well-known/other",
  "/healthz",
  "/readyz",
  "/metrics",
  "/v1/host/test/expire/run_x",
  "/v1/openapi.json/",
  "/favicon.ico",
] as const;

export interface CaseOptions extends HeaderOptions {
  /** Restrict to these routes. */
  routes?: readonly RouteSpec[];
  /** Aim off-route some of the time. */
  offRoute?: boolean;
  /** Only the route's own methods. */
  ownMethods?: boolean;
  /** Leave the query empty. */
  noQuery?: boolean;
  /** Bodies only on POST. */
  bodiesOnPostOnly?: boolean;
  /** A custom body arbitrary instead of {@link anyBody}. */
  body?: (method: string, route: RouteSpec) => fc.Arbitrary<BodySpec>;
  /** A custom path-parameter arbitrary instead of {@link pathParamArb}. */
  param?: (name: string) => fc.Arbitrary<PathParam>;
}

/** Mostly a Content-Length; now and then a chunked body, in small or large pieces. */
const chunking: fc.Arbitrary<number | null> = fc.option(fc.constantFrom(1, 16, 1_000, 65_536), { freq: 6 });

/** A whole request against one of the host's routes (or, now and then, off every route). */
export function caseArb(
  routes: readonly RouteSpec[],
  everyName: readonly string[],
  targets: FuzzTargets,
  options: CaseOptions = {},
): fc.Arbitrary<FuzzCase> {
  const pool = options.routes ?? routes;
  const onRoute = fc.constantFrom(...pool).chain((route) => {
    const params = fc.record(
      Object.fromEntries(
        route.params.map((name) => [name, options.param ? options.param(name) : pathParamArb(name, targets)]),
      ) as Record<string, fc.Arbitrary<PathParam>>,
    );
    const method = options.ownMethods ? fc.constantFrom(...route.methods) : methodArb(route);
    return fc
      .record({
        method,
        params,
        query: options.noQuery
          ? fc.constant({ pairs: [] as Array<readonly [string, string]>, raw: "" })
          : queryArb(route, everyName, targets),
        headers: headersArb(targets, options),
      })
      .chain(({ method: m, params: p, query, headers }) => {
        const bodyless = m === "GET" || m === "HEAD" || m === "DELETE" || m === "OPTIONS" || m === "TRACE";
        const body: fc.Arbitrary<BodySpec> = options.body
          ? options.body(m, route)
          : bodyless
            ? options.bodiesOnPostOnly
              ? fc.constant({ kind: "none" })
              : fc.oneof(
                  { weight: 12, arbitrary: fc.constant<BodySpec>({ kind: "none" }) },
                  { weight: 1, arbitrary: anyBody("POST", route.template, targets) },
                )
            : anyBody(m, route.template, targets);
        return fc.tuple(body, chunking).map(
          ([b, chunkSize]): FuzzCase =>
            withDescription({
              method: m,
              route: route.template,
              params: p,
              query: query.pairs,
              rawQuery: query.raw,
              headers,
              body: b,
              ...(chunkSize === null ? {} : { chunkSize }),
            }),
        );
      });
  });
  if (!options.offRoute) return onRoute;
  const offRoute = fc
    .record({
      path: fc.constantFrom(...OFF_ROUTE_PATHS),
      method: fc.constantFrom(...OTHER_METHODS),
      headers: headersArb(targets, options),
      body: fc.oneof(fc.constant<BodySpec>({ kind: "none" }), anyBody("POST", "/v1/runs", targets)),
    })
    .map(
      ({ path, method, headers, body }): FuzzCase =>
        withDescription({ method, route: path, params: {}, query: [], rawQuery: "", headers, body }),
    );
  return fc.oneof({ weight: 9, arbitrary: onRoute }, { weight: 1, arbitrary: offRoute });
}
