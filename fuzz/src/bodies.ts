import fc from "fast-check";
import {
  clip,
  isUnstorable,
  junkString,
  junkTimestamp,
  meaningfulString,
  poisonChar,
  poisonedString,
} from "./strings.js";

/** What the fuzzer knows about the host under test: real ids to aim at, and its advertised limits. */
export interface FuzzTargets {
  apiKey: string;
  /** Real ids by path parameter name (`runId`, `keyId`, ...), so some requests reach existing resources. */
  known: Readonly<Record<string, readonly string[]>>;
  /** Real ids no fuzzed request can delete (only the query property aims at them), so its 400 is not masked by a 404. */
  stable: Readonly<Record<string, readonly string[]>>;
  maxJsonDepth: number;
  maxRequestBodyBytes: number;
}

/** A body as generated: kept symbolic so a failure prints in a line, materialized only to send. */
export type BodySpec =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  /** `depth` nested arrays/objects, alone or placed in a member of an otherwise sensible body. */
  | { kind: "nested"; depth: number; shape: "array" | "object" | "mixed"; host?: Record<string, unknown> }
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: number[] }
  /** A body of about `size` bytes: a long string inside sensible JSON, or raw filler. */
  | { kind: "huge"; size: number; json: boolean };

/** A materialized body and what the oracle needs to know about it. */
export interface BodyFacts {
  bytes: Buffer | undefined;
  /** The body parses as JSON (and is valid UTF-8). */
  json: boolean;
  validUtf8: boolean;
  /** Deepest nesting of arrays/objects; the body itself is depth 1 (core.md §2.2). */
  depth: number;
  /** Some string or member name holds U+0000 or a lone surrogate. */
  unstorable: boolean;
}

const NEST_MARK = "\u0001nest\u0001";

function nestedText(depth: number, shape: "array" | "object" | "mixed"): string {
  let open = "";
  let close = "";
  for (let level = 0; level < depth; level++) {
    const object = shape === "object" || (shape === "mixed" && level % 2 === 1);
    open += object ? '{"a":' : "[";
    close = (object ? "}" : "]") + close;
  }
  return `${open}0${close}`;
}

export function materializeBody(spec: BodySpec): BodyFacts {
  const bytes = bodyBytes(spec);
  return { bytes, ...factsOf(bytes) };
}

function bodyBytes(spec: BodySpec): Buffer | undefined {
  switch (spec.kind) {
    case "none":
      return undefined;
    case "json":
      // JSON.stringify writes lone surrogates as \udXXX escapes: the host receives them as such.
      return Buffer.from(JSON.stringify(spec.value) ?? "null", "utf8");
    case "nested": {
      const nest = nestedText(spec.depth, spec.shape);
      if (!spec.host) return Buffer.from(nest, "utf8");
      return Buffer.from(JSON.stringify(spec.host).replace(JSON.stringify(NEST_MARK), nest), "utf8");
    }
    case "text":
      return Buffer.from(spec.text, "utf8");
    case "bytes":
      return Buffer.from(spec.bytes);
    case "huge": {
      if (!spec.json) return Buffer.alloc(spec.size, "z");
      const frame = JSON.stringify({ workflowId: "conformance-noop", metadata: { blob: "" } });
      return Buffer.from(frame.replace('"blob":""', `"blob":"${"x".repeat(Math.max(0, spec.size - frame.length))}"`));
    }
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function factsOf(bytes: Buffer | undefined): Omit<BodyFacts, "bytes"> {
  if (bytes === undefined || bytes.length === 0) return { json: false, validUtf8: true, depth: 0, unstorable: false };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { json: false, validUtf8: false, depth: 0, unstorable: false };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { json: false, validUtf8: true, depth: 0, unstorable: false };
  }
  // Iterative, so a body thousands of levels deep cannot overflow the fuzzer's own stack.
  let depth = 0;
  let unstorable = false;
  const pending: Array<{ item: unknown; level: number }> = [{ item: value, level: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, level } = next;
    if (typeof item === "string") unstorable ||= isUnstorable(item);
    if (item === null || typeof item !== "object") continue;
    depth = Math.max(depth, level);
    if (Array.isArray(item)) {
      for (const element of item) pending.push({ item: element, level: level + 1 });
      continue;
    }
    for (const [key, member] of Object.entries(item)) {
      unstorable ||= isUnstorable(key);
      pending.push({ item: member, level: level + 1 });
    }
  }
  return { json: true, validUtf8: true, depth, unstorable };
}

/** One line describing a body, for failure reports (a 1 MiB body must not be printed). */
export function describeBody(spec: BodySpec): string {
  switch (spec.kind) {
    case "none":
      return "no body";
    case "json":
      return `json ${clip(JSON.stringify(spec.value) ?? "undefined", 240)}`;
    case "nested":
      return `${spec.depth} levels of ${spec.shape} nesting${spec.host ? ` inside ${clip(JSON.stringify(spec.host), 120)}` : ""}`;
    case "text":
      return `text ${clip(JSON.stringify(spec.text), 240)}`;
    case "bytes":
      return `bytes [${spec.bytes.slice(0, 40).join(",")}${spec.bytes.length > 40 ? ",…" : ""}] (${spec.bytes.length})`;
    case "huge":
      return `${spec.size} bytes of ${spec.json ? "JSON with a long string" : "filler"}`;
  }
}

/** Member names that trip naive code: prototype keys, empty, poison, and real field names. */
const junkKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: meaningfulString },
  { weight: 2, arbitrary: poisonedString },
  {
    weight: 1,
    arbitrary: fc.constantFrom("workflowId", "inputs", "tags", "metadata", "url", "events", "scopes", "resumeValue"),
  },
);

const junkNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 2 ** 53 + 2, -(2 ** 63), 1e308, 5e-324, 1.5, 1_000_001),
);

const junkScalar: fc.Arbitrary<unknown> = fc.oneof(fc.constant(null), fc.boolean(), junkNumber, junkString);

/** Any JSON-ish value: wrong types, nulls, arrays, prototype keys, poison in strings and keys. */
export const junkJson: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof({ depthSize: "small", maxDepth: 4 }, junkScalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  // fromEntries defines own properties, so "__proto__" is sent as a member, not swallowed.
  object: fc.array(fc.tuple(junkKey, tie("value")), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
})).value;

/** One change to a sensible body. Kept as data so the counterexample prints and shrinks. */
type Mutation =
  | { op: "set"; key: string; value: unknown }
  | { op: "delete"; pick: number }
  | { op: "poison"; pick: number; char: string; at: number }
  | { op: "nest"; key: string; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: junkKey, value: junkJson }),
  fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("poison" as const), pick: fc.nat(), char: poisonChar, at: fc.nat() }),
  fc.record({ op: fc.constant("nest" as const), key: junkKey, depth: fc.integer({ min: 1, max: 200 }) }),
);

function poisonValue(value: unknown, char: string, at: number): unknown {
  if (typeof value === "string") {
    const cut = value.length === 0 ? 0 : at % (value.length + 1);
    return value.slice(0, cut) + char + value.slice(cut);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    // Poison a member name rather than a value: keys reach storage as text too.
    return { ...(value as Record<string, unknown>), [`k${char}`]: "v" };
  }
  if (Array.isArray(value)) return [...value, `v${char}`];
  return `v${char}`;
}

function applyMutations(base: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const body: Record<string, unknown> = { ...base };
  for (const change of mutations) {
    const keys = Object.keys(body);
    const picked = keys.length > 0 ? keys[("pick" in change ? change.pick : 0) % keys.length] : undefined;
    switch (change.op) {
      case "set":
        Object.defineProperty(body, change.key, {
          value: change.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      case "delete":
        if (picked !== undefined) delete body[picked];
        break;
      case "poison":
        if (picked === undefined) body[`k${change.char}`] = "v";
        else body[picked] = poisonValue(body[picked], change.char, change.at);
        break;
      case "nest": {
        let nested: unknown = 0;
        for (let level = 0; level < change.depth; level++) nested = [nested];
        Object.defineProperty(body, change.key, {
          value: nested,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      }
    }
  }
  return body;
}

const isoDate = junkTimestamp;

const futureDate = fc
  .integer({ min: 60, max: 365 * 24 * 3600 })
  .map((s) => new Date(Date.now() + s * 1000).toISOString());

/**
 * A sensible body for a route (what a correct client would send), or undefined for routes that
 * take no body. Sensible bodies reach the deep code paths; their mutations probe the checks.
 */
export function sensibleBody(
  method: string,
  template: string,
  targets: FuzzTargets,
): fc.Arbitrary<Record<string, unknown>> | undefined {
  if (method !== "POST") return undefined;
  const workflowId = fc.constantFrom(...(targets.known["workflowId"] ?? ["conformance-noop"]));
  switch (template) {
    case "/v1/runs":
      return fc.record(
        {
          workflowId,
          inputs: fc.oneof(
            fc.constant({}),
            fc.record({ delayMs: fc.integer({ min: 0, max: 50 }) }),
            fc.record({ payload: junkJson }),
            fc.record({ nonce: fc.string() }),
          ),
          tags: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
          metadata: fc.dictionary(fc.string({ maxLength: 8 }), junkJson, { maxKeys: 3 }),
          configurable: fc.record({ recursionLimit: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: [] }),
          scopeId: fc.string({ minLength: 1, maxLength: 20 }),
        },
        { requiredKeys: ["workflowId"] },
      );
    case "/v1/runs/{runId}/cancel":
      return fc.record({ reason: fc.string({ maxLength: 40 }) }, { requiredKeys: [] });
    case "/v1/runs/{runId}/interrupts/{nodeId}":
      return fc.record({
        resumeValue: fc.oneof(
          fc.record({ action: fc.constantFrom("accept", "reject") }),
          fc.record({ answers: fc.record({ q1: fc.string({ maxLength: 20 }) }) }),
          junkJson,
        ),
      });
    case "/v1/keys":
      return fc.record(
        {
          scopes: fc.uniqueArray(fc.constantFrom("runs:read", "runs:create", "manifest:read", "runs:cancel"), {
            minLength: 1,
            maxLength: 3,
          }),
          kind: fc.constantFrom("test", "live"),
          label: fc.string({ maxLength: 40 }),
          expiresAt: fc.oneof(futureDate, isoDate),
        },
        { requiredKeys: ["scopes"] },
      );
    case "/v1/keys/{keyId}/rotate":
      return fc.record({ graceSeconds: fc.integer({ min: 0, max: 86_400 }) }, { requiredKeys: [] });
    case "/v1/webhooks":
      return fc.record(
        {
          // Loopback on a closed port: allowed by the fuzz hosts' private-URL setting, and a
          // delivery attempt fails at once instead of leaving the machine.
          url: fc.constantFrom(
            "http://127.0.0.1:9/hook",
            "http://localhost:9/x",
            "http://[::1]:9/",
            "https://127.0.0.1:9/",
          ),
          events: fc.uniqueArray(fc.constantFrom("run.completed", "run.failed", "run.started", "node.completed"), {
            minLength: 1,
            maxLength: 3,
          }),
          tags: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
          secret: fc.string({ minLength: 32, maxLength: 64 }),
        },
        { requiredKeys: ["url", "events"] },
      );
    case "/v1/webhooks/{webhookId}/dead-letters/replay":
      return fc.record(
        {
          limit: fc.integer({ min: 1, max: 1000 }),
          eventTypes: fc.uniqueArray(fc.constantFrom("run.completed", "run.failed"), { minLength: 1, maxLength: 2 }),
          since: isoDate,
          until: isoDate,
        },
        { requiredKeys: [] },
      );
    default:
      return fc.constant({});
  }
}

/**
 * Any body for a route: mostly its sensible body with a few mutations, else junk JSON, deep
 * nesting (around the advertised limit and up to a few thousand levels), text that is not
 * JSON, bytes that are not UTF-8, bodies around and beyond the size limit, or none.
 */
export function anyBody(method: string, template: string, targets: FuzzTargets): fc.Arbitrary<BodySpec> {
  const sensible = sensibleBody(method, template, targets) ?? fc.constant({});
  const limit = targets.maxJsonDepth;
  const depth = fc.oneof(
    fc.integer({ min: Math.max(1, limit - 3), max: limit + 3 }),
    fc.integer({ min: 1, max: 3_000 }),
    fc.constantFrom(limit, limit + 1, 1_000, 5_000),
  );
  const maxBytes = targets.maxRequestBodyBytes;
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(sensible, fc.array(mutation, { maxLength: 3 }))
        .map(([base, changes]): BodySpec => ({ kind: "json", value: applyMutations(base, changes) })),
    },
    { weight: 3, arbitrary: sensible.map((value): BodySpec => ({ kind: "json", value })) },
    { weight: 3, arbitrary: junkJson.map((value): BodySpec => ({ kind: "json", value })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          depth,
          shape: fc.constantFrom("array" as const, "object" as const, "mixed" as const),
          embed: fc.boolean(),
          base: sensible,
        })
        .map(
          ({ depth: d, shape, embed, base }): BodySpec =>
            embed
              ? { kind: "nested", depth: d, shape, host: { ...base, metadata: { deep: NEST_MARK } } }
              : { kind: "nested", depth: d, shape },
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            "{",
            "}",
            "[",
            "{not json",
            '{"workflowId": "conformance-noop"',
            "",
            " ",
            "\u0000",
            "\ufeff{}",
            "{}{}",
            '{"a":1,}',
            "nul",
            "1e99999",
            '{"a":"\\ud800"}',
            '{"\\u0000":1}',
            "[,]",
            '{"a" 1}',
            "'x'",
            "0x10",
          ),
          junkString.map((text) => text),
        )
        .map((text): BodySpec => ({ kind: "text", text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            [0xff],
            [0xc0, 0xaf],
            [0xed, 0xa0, 0x80],
            [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d],
            [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
          ),
          fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }),
        )
        .map((bytes): BodySpec => ({ kind: "bytes", bytes: [...bytes] })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          size: fc.oneof(
            fc.integer({ min: maxBytes - 32, max: maxBytes + 32 }),
            fc.constantFrom(maxBytes + 100_000, 2 * maxBytes),
            fc.integer({ min: 10_000, max: 200_000 }),
          ),
          json: fc.boolean(),
        })
        .map(({ size, json }): BodySpec => ({ kind: "huge", size, json })),
    },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: "none" }) },
  );
}
