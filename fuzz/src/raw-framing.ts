import fc from "fast-check";
import type { FuzzTargets } from "./bodies.js";
import { expectSoundResponse } from "./assertions.js";
import { clip } from "./strings.js";
import { exchange, preview, send, type WireOutcome } from "./wire.js";

/**
 * Framing the HTTP parser has to survive: broken request lines, control characters and
 * oversize header sections, conflicting or truncated bodies, CONNECT, HTTP/1.0, pipelining
 * and requests split across packets. Each case is written byte for byte on its own connection.
 */
export interface RawCase {
  kind: string;
  /** The bytes, in the writes they are sent as. */
  chunks: string[];
  /** The methods of the requests the bytes hold, in order (HEAD answers have no body). */
  methods: string[];
  /** Responses to wait for before hanging up. */
  expectResponses: number;
  /** End our side after writing, so a server waiting for more bytes sees that none come. */
  halfClose: boolean;
  /**
   * The host must answer (not just close) with one of these statuses and the envelope: the
   * unreadable requests core.md §2.2 names. Empty: answering or closing cleanly are both fine.
   */
  mustAnswer: number[];
}

const CRLF = "\r\n";

function describeRaw(rawCase: RawCase): string {
  return `${rawCase.kind}: ${clip(JSON.stringify(rawCase.chunks.join("")), 400)} in ${rawCase.chunks.length} write(s)`;
}

function rawCase(
  kind: string,
  bytes: string | string[],
  options: Partial<Omit<RawCase, "kind" | "chunks">> = {},
): RawCase {
  const value: RawCase = {
    kind,
    chunks: Array.isArray(bytes) ? bytes : [bytes],
    methods: options.methods ?? ["GET"],
    expectResponses: options.expectResponses ?? 1,
    halfClose: options.halfClose ?? true,
    mustAnswer: options.mustAnswer ?? [],
  };
  Object.defineProperty(value, fc.toStringMethod, { value: () => describeRaw(value), enumerable: false });
  return value;
}

const noNewline = (text: string): string => text.replace(/[\r\n]/g, "");

function request(method: string, target: string, headers: string[], body = ""): string {
  return `${method} ${target} HTTP/1.1${CRLF}${["Host: 127.0.0.1", ...headers].join(CRLF)}${CRLF}${CRLF}${body}`;
}

/** Request lines the parser cannot read. */
function badRequestLine(): fc.Arbitrary<RawCase> {
  const strict = { mustAnswer: [400] };
  return fc.oneof(
    fc
      .constantFrom(
        "GET\r\n\r\n",
        "GET /\r\n\r\n",
        "GET /v1/runs HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "get /v1/runs HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/ru ns HTTP/1.1\r\nHost: x\r\n\r\n",
        "\u0000\u0001\u0002\r\n\r\n",
        "GET /v1/runs\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/runs\u007f HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/runs HTTP/1.1\u0000\r\nHost: x\r\n\r\n",
        "GET /v1/runs HTTP/x.y\r\nHost: x\r\n\r\n",
        "GET /v1/runs HTTP/11\r\nHost: x\r\n\r\n",
        "GET /v1/runs FTP/1.1\r\nHost: x\r\n\r\n",
        `${"A".repeat(2_000)} / HTTP/1.1\r\nHost: x\r\n\r\n`,
        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      )
      .map((bytes) => rawCase("bad request line", bytes, strict)),
    // A line that starts with a character no method has, then anything.
    fc
      .string({ maxLength: 60 })
      .map((junk) => rawCase("bad request line", `(${noNewline(junk)}\r\nHost: x\r\n\r\n`, strict)),
    // Extra spaces or tabs between the parts: some parsers read these, so any sound answer or a close is fine.
    fc
      .constantFrom(
        "GET  /v1/runs  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET\t/v1/runs\tHTTP/1.1\r\nHost: x\r\n\r\n",
        " GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      )
      .map((bytes) => rawCase("lenient request line", bytes)),
    // Versions the parser can read but the host does not speak: any 4xx or a close, never a 5xx.
    fc
      .constantFrom("HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/1.2", "HTTP/9.9")
      .map((version) => rawCase("unsupported version", `GET /healthz ${version}\r\nHost: x\r\n\r\n`)),
  );
}

/** Control characters and broken lines in the header section. */
function badHeaders(): fc.Arbitrary<RawCase> {
  const strict = { mustAnswer: [400] };
  const control = fc
    .integer({ min: 0, max: 0x1f })
    .filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d)
    .map((code) => String.fromCharCode(code));
  return fc.oneof(
    fc
      .tuple(control, fc.constantFrom("value", "name"))
      .map(([char, where]) =>
        rawCase(
          "control character in a header",
          request("GET", "/v1/runs/x", [where === "value" ? `X-Fuzz: a${char}b` : `X-F${char}uzz: ab`]),
          strict,
        ),
      ),
    fc
      .constantFrom("\u007f")
      .map((char) =>
        rawCase("control character in a header", request("GET", "/v1/runs/x", [`X-Fuzz: a${char}b`]), strict),
      ),
    fc
      .constantFrom(
        "Host : x",
        "JustText",
        "X-Fuzz: a\rb",
        ": empty-name",
        "X Fuzz: space-in-name",
        "X-Fuzz\u0000: v",
        "Authorization: Bearer k\u0000k",
      )
      .map((line) => rawCase("malformed header line", request("GET", "/v1/runs/x", [line]), strict)),
    // Lenient spellings: parsers differ, so any 4xx or a close is fine.
    fc
      .constantFrom(
        "GET /healthz HTTP/1.1\nHost: x\n\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Fuzz: \u00ff\u00fe\r\n\r\n",
      )
      .map((bytes) => rawCase("lenient header spelling", bytes)),
    fc.constant(rawCase("missing Host", "GET /v1/runs/x HTTP/1.1\r\n\r\n")),
    fc.constant(rawCase("two Host headers", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")),
    // Host values a URL cannot be built from.
    fc
      .constantFrom(
        "a b",
        "[::1",
        "x:99999",
        "x:-1",
        "exa%mple",
        "a/b",
        "a?b",
        "@",
        "",
        "x\u00ff",
        "127.0.0.1:80:80",
        "[::1]x",
      )
      .map((host) => rawCase("bad Host", `GET /v1/runs/x HTTP/1.1\r\nHost: ${host}\r\n\r\n`)),
  );
}

/** Framing of the body: duplicate or invalid Content-Length, Content-Length against chunked, broken chunks. */
function badFraming(): fc.Arbitrary<RawCase> {
  const post = (headers: string[], body: string): string =>
    request("POST", "/v1/runs", ["Content-Type: application/json", ...headers], body);
  const body = '{"workflowId":"conformance-noop"}';
  return fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) =>
        rawCase("duplicate Content-Length", post([`Content-Length: ${a}`, `Content-Length: ${b}`], body), {
          methods: ["POST"],
          mustAnswer: [400],
        }),
      ),
    fc.constant(
      rawCase(
        "repeated equal Content-Length",
        post([`Content-Length: ${body.length}`, `Content-Length: ${body.length}`], body),
        { methods: ["POST"] },
      ),
    ),
    fc
      .constantFrom(
        `${body.length}, ${body.length + 1}`,
        "-1",
        "abc",
        "1e3",
        "99999999999999999999",
        " ",
        "0x20",
        "+33",
      )
      .map((value) =>
        rawCase("invalid Content-Length", post([`Content-Length: ${value}`], body), { methods: ["POST"] }),
      ),
    fc
      .constantFrom(
        "chunked",
        "chunked, identity",
        "gzip, chunked",
        "xchunked",
        "chunked\r\nTransfer-Encoding: chunked",
        "identity",
      )
      .map((encoding) =>
        rawCase(
          "Content-Length against Transfer-Encoding",
          post(
            [`Content-Length: ${body.length}`, `Transfer-Encoding: ${encoding}`],
            `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
          ),
          { methods: ["POST"] },
        ),
      ),
    fc
      .constantFrom(
        "zz\r\n",
        "5\r\nabc\r\n0\r\n\r\n",
        "-1\r\nx\r\n0\r\n\r\n",
        "ffffffffffffffffff\r\nx\r\n",
        "5;\u0000\r\nabcde\r\n0\r\n\r\n",
        `${body.length.toString(16)}\r\n${body}\r\n`,
        "0\r\nX-Trailer: \u0001\r\n\r\n",
      )
      .map((chunks) =>
        rawCase("broken chunked body", post(["Transfer-Encoding: chunked"], chunks), { methods: ["POST"] }),
      ),
    fc.tuple(fc.integer({ min: 1, max: body.length - 1 }), fc.integer({ min: 1, max: 1_000 })).map(([sent, missing]) =>
      rawCase("truncated body", post([`Content-Length: ${body.length + missing}`], body.slice(0, sent)), {
        methods: ["POST"],
      }),
    ),
    fc
      .integer({ min: 1, max: 40 })
      .map((cut) =>
        rawCase("truncated header section", request("GET", "/v1/runs/x", ["Authorization: Bearer x"]).slice(0, cut)),
      ),
  );
}

/** Header sections over the parser's 16 KiB limit: one huge header, many headers, a huge target. */
function oversize(): fc.Arbitrary<RawCase> {
  const strict = { mustAnswer: [431, 400, 414] };
  return fc.oneof(
    fc
      .integer({ min: 17_000, max: 80_000 })
      .map((size) => rawCase("oversize header", request("GET", "/v1/runs/x", [`X-Big: ${"b".repeat(size)}`]), strict)),
    fc.integer({ min: 200, max: 600 }).map((count) =>
      rawCase(
        "too many headers",
        request(
          "GET",
          "/v1/runs/x",
          Array.from({ length: count }, (_, i) => `X-H${i}: ${"v".repeat(90)}`),
        ),
        strict,
      ),
    ),
    fc
      .integer({ min: 17_000, max: 40_000 })
      .map((size) => rawCase("oversize target", request("GET", `/v1/runs/${"r".repeat(size)}`, []), strict)),
  );
}

/** CONNECT: a proxy verb an API host must refuse with an answer, not a dropped socket. */
function connectCase(): fc.Arbitrary<RawCase> {
  return fc.constantFrom("127.0.0.1:443", "example.com:80", "/v1/runs", "[::1]:22").map((target) =>
    rawCase("CONNECT", `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`, {
      methods: ["CONNECT"],
      mustAnswer: [400, 405],
    }),
  );
}

/** HTTP/1.0, odd target forms, Expect and Upgrade: readable requests the host must answer soundly. */
function oddButReadable(targets: FuzzTargets): fc.Arbitrary<RawCase> {
  const auth = `Authorization: Bearer ${targets.apiKey}`;
  return fc.oneof(
    fc
      .constantFrom(
        "GET /healthz HTTP/1.0\r\n\r\n",
        "GET /v1/runs/run_unknown HTTP/1.0\r\n\r\n",
        `GET /v1/runs/run_unknown HTTP/1.0\r\n${auth}\r\n\r\n`,
        `GET /v1/runs/run_unknown HTTP/1.0\r\nConnection: keep-alive\r\n${auth}\r\n\r\n`,
        `POST /v1/runs HTTP/1.0\r\n${auth}\r\nContent-Type: application/json\r\n\r\n{"workflowId":"conformance-noop"}`,
        "HEAD /healthz HTTP/1.0\r\n\r\n",
      )
      .map((bytes) => rawCase("HTTP/1.0", bytes, { methods: [bytes.split(" ")[0] ?? "GET"] })),
    fc
      .constantFrom(
        "OPTIONS * HTTP/1.1",
        "GET * HTTP/1.1",
        "GET http://127.0.0.1/v1/runs/x HTTP/1.1",
        "GET http://evil.example/healthz HTTP/1.1",
        "GET v1/runs HTTP/1.1",
        "GET ?x=1 HTTP/1.1",
        "GET /v1/runs/a\\b HTTP/1.1",
        "GET /healthz\\ HTTP/1.1",
        "GET ftp://127.0.0.1/v1/runs/x HTTP/1.1",
        "GET http:///v1/runs/x HTTP/1.1",
        "GET http://[::1/v1/runs/x HTTP/1.1",
      )
      .map((line) =>
        rawCase("odd request-target", `${line}\r\nHost: 127.0.0.1\r\n${auth}\r\n\r\n`, {
          methods: [line.split(" ")[0] ?? "GET"],
        }),
      ),
    fc
      .constantFrom("100-continue", "foo", "100-continue, foo")
      .map((expect) =>
        rawCase(
          "Expect",
          request(
            "POST",
            "/v1/runs",
            [auth, "Content-Type: application/json", `Expect: ${expect}`, "Content-Length: 33"],
            '{"workflowId":"conformance-noop"}',
          ),
          { methods: ["POST"] },
        ),
      ),
    fc.constant(
      rawCase(
        "Upgrade",
        request("GET", "/v1/runs/x", [
          auth,
          "Connection: Upgrade",
          "Upgrade: websocket",
          "Sec-WebSocket-Version: 13",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        ]),
      ),
    ),
    fc.constant(
      rawCase(
        "h2c upgrade",
        request("GET", "/healthz", [
          "Connection: Upgrade, HTTP2-Settings",
          "Upgrade: h2c",
          "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
        ]),
      ),
    ),
  );
}

/** Several requests in one write (or split at random points), the last possibly broken. */
function pipelined(targets: FuzzTargets): fc.Arbitrary<RawCase> {
  const auth = `Authorization: Bearer ${targets.apiKey}`;
  const pool: Array<{ method: string; bytes: string }> = [
    { method: "GET", bytes: request("GET", "/healthz", []) },
    { method: "GET", bytes: request("GET", "/v1/runs/run_unknown", [auth]) },
    { method: "GET", bytes: request("GET", "/.well-known/openwop", []) },
    {
      method: "POST",
      bytes: request(
        "POST",
        "/v1/runs",
        [auth, "Content-Type: application/json", "Content-Length: 33"],
        '{"workflowId":"conformance-noop"}',
      ),
    },
    {
      method: "POST",
      bytes: request("POST", "/v1/runs", [auth, "Content-Type: application/json", "Content-Length: 5"], "{bad}"),
    },
    { method: "HEAD", bytes: request("HEAD", "/healthz", []) },
    { method: "DELETE", bytes: request("DELETE", "/v1/runs/x", [auth]) },
  ];
  return fc
    .record({
      picks: fc.array(fc.constantFrom(...pool), { minLength: 2, maxLength: 6 }),
      broken: fc.option(fc.constantFrom("GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nX: \u0001\r\n\r\n"), { freq: 4 }),
      cuts: fc.array(fc.nat(), { maxLength: 4 }),
    })
    .map(({ picks, broken, cuts }) => {
      const whole = picks.map((pick) => pick.bytes).join("") + (broken ?? "");
      const points = [...new Set(cuts.map((cut) => cut % whole.length))]
        .filter((point) => point > 0)
        .sort((a, b) => a - b);
      const chunks = [0, ...points].map((start, i) => whole.slice(start, points[i] ?? whole.length));
      return rawCase(broken ? "pipelined, then broken" : "pipelined", chunks, {
        methods: [...picks.map((pick) => pick.method), ...(broken ? ["GET"] : [])],
        expectResponses: picks.length + (broken ? 1 : 0),
        halfClose: false,
      });
    });
}

/** A valid request dribbled in small writes: the parser must reassemble it. */
function split(targets: FuzzTargets): fc.Arbitrary<RawCase> {
  const bytes = request("GET", "/v1/runs/run_unknown", [`Authorization: Bearer ${targets.apiKey}`]);
  return fc.integer({ min: 1, max: 16 }).map((size) => {
    const chunks: string[] = [];
    for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.slice(start, start + size));
    return rawCase("split across writes", chunks, { halfClose: false });
  });
}

export function rawCaseArb(targets: FuzzTargets): fc.Arbitrary<RawCase> {
  return fc.oneof(
    { weight: 3, arbitrary: badRequestLine() },
    { weight: 3, arbitrary: badHeaders() },
    { weight: 3, arbitrary: badFraming() },
    { weight: 2, arbitrary: oversize() },
    { weight: 1, arbitrary: connectCase() },
    { weight: 2, arbitrary: oddButReadable(targets) },
    { weight: 2, arbitrary: pipelined(targets) },
    { weight: 1, arbitrary: split(targets) },
  );
}

function outcomeLine(outcome: WireOutcome): string {
  return `${outcome.responses.map((r) => `${r.status} ${preview(r.body, 120)}`).join(" | ") || "no response"}; ${outcome.ending}`;
}

/**
 * Runs one raw case and checks it: every response sound (no 5xx; a 4xx carries the envelope),
 * the unreadable requests answered rather than dropped, no connection left hanging, and the
 * host still answering a fresh connection afterwards.
 */
export async function checkRawCase(
  rawCaseValue: RawCase,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<void> {
  const outcome = await exchange({
    host,
    port,
    chunks: rawCaseValue.chunks.map((chunk) => Buffer.from(chunk, "latin1")),
    methods: rawCaseValue.methods,
    expectResponses: rawCaseValue.expectResponses,
    halfClose: rawCaseValue.halfClose,
    timeoutMs,
  });
  rawCaseValue.methods.forEach((method, index) => {
    const response = outcome.responses[index];
    if (response) {
      try {
        expectSoundResponse(response, method);
      } catch (error) {
        throw new Error(
          `${rawCaseValue.kind}, response ${index + 1}: ${error instanceof Error ? error.message : String(error)} (${outcomeLine(outcome)})`,
        );
      }
    }
  });
  if (rawCaseValue.mustAnswer.length > 0) {
    const first = outcome.responses[0];
    if (!first || !rawCaseValue.mustAnswer.includes(first.status)) {
      throw new Error(
        `${rawCaseValue.kind}: expected a ${rawCaseValue.mustAnswer.join("/")} answer with the envelope, got ${outcomeLine(outcome)}`,
      );
    }
  }
  if (outcome.ending === "timeout") {
    throw new Error(
      `${rawCaseValue.kind}: after ${timeoutMs} ms the host had neither answered everything nor closed (${outcomeLine(outcome)})`,
    );
  }
  if (outcome.responses.length === 0 && outcome.ending === "reset") {
    throw new Error(`${rawCaseValue.kind}: the host reset the connection without answering`);
  }
  const alive = await send(
    host,
    port,
    { method: "GET", target: "/healthz", headers: [["host", "127.0.0.1"]] },
    timeoutMs,
  );
  if (alive.responses[0]?.status !== 200)
    throw new Error(`${rawCaseValue.kind}: afterwards GET /healthz got ${outcomeLine(alive)}`);
}
