import type { ApiKey, Capabilities, WebhookSubscriptionList } from "@openwop/types";
import type { RawResponse, RequestSpec } from "./http.js";

/** One reason the caller should not start work yet (a blocker) or should look (a warning). */
export interface ReadinessIssue {
  /** Stable, e.g. `scope_missing`; see {@link READINESS_CODES}. */
  readonly code: ReadinessCode;
  readonly message: string;
  /** What to do about it, in one sentence. */
  readonly fix: string;
}

export interface Readiness {
  /** True when there is no blocker; warnings do not stop work. */
  readonly ok: boolean;
  readonly blockers: readonly ReadinessIssue[];
  readonly warnings: readonly ReadinessIssue[];
  /** What the checks learned, for a report. */
  readonly facts: {
    readonly protocolVersion?: string;
    readonly implementation?: string;
    readonly tenant?: string;
    readonly scopes?: readonly string[];
    readonly keyExpiresAt?: string | null;
    readonly clockSkewSeconds?: number;
    readonly pendingRuns?: number;
    readonly maxPendingRuns?: number;
  };
}

export interface ReadinessOptions {
  /** The scopes the caller is about to use, e.g. `["runs:create", "runs:read"]`. */
  readonly scopes?: readonly string[];
  /** Warn when the key expires within this many days; default 7. */
  readonly expiryWarningDays?: number;
}

/** Every code {@link readiness} reports, blockers and warnings. */
export const READINESS_CODES = [
  "host_unreachable",
  "discovery_invalid",
  "protocol_unsupported",
  "key_rejected",
  "scope_missing",
  "scopes_unknown",
  "key_expiring",
  "key_in_grace",
  "host_not_ready",
  "admission_full",
  "admission_high",
  "webhook_circuit_open",
  "webhook_failed",
  "clock_skew",
] as const;
export type ReadinessCode = (typeof READINESS_CODES)[number];

/** Webhook signatures are refused beyond this skew (webhooks.md §6: 300 s tolerance). */
const SKEW_BLOCKER_SECONDS = 300;
/** Skew worth a look before it becomes a blocker. */
const SKEW_WARNING_SECONDS = 30;
/** The share of the admission bound past which a burst of work would be refused. */
const ADMISSION_WARNING_SHARE = 0.8;
/** A run id no host issues: reading it shows whether a key is accepted without touching data. */
const PROBE_RUN_ID = "openwop-readiness-probe";

type Raw = (method: string, path: string, init?: Omit<RequestSpec, "method" | "path">) => Promise<RawResponse>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What is wrong with a discovery document at the level a client relies on (core.md §3.2), or undefined. */
function discoveryProblem(body: unknown): string | undefined {
  if (!isObject(body)) return "the discovery document is not a JSON object";
  for (const member of ["protocolVersion", "supportedEnvelopes", "schemaVersions", "limits"]) {
    if (!(member in body)) return `the discovery document has no ${member}`;
  }
  if (typeof body["protocolVersion"] !== "string") return "protocolVersion is not a string";
  if (!Array.isArray(body["supportedEnvelopes"])) return "supportedEnvelopes is not an array";
  if (!isObject(body["schemaVersions"]) || !isObject(body["limits"]))
    return "schemaVersions or limits is not an object";
  return undefined;
}

const envelopeCode = (response: RawResponse): string | undefined =>
  isObject(response.body) && typeof response.body["error"] === "string" ? response.body["error"] : undefined;

/**
 * Whether this client can start autonomous work against its host now, checked in the order
 * an integration depends on them: the host answers discovery with a v1 document; the key is
 * accepted and holds the scopes the caller names, and is not about to expire; the host is
 * ready and its queue has room; webhook circuits are closed; the clocks agree. Nothing is
 * written. Each blocker and warning names its fix.
 *
 * @example
 * const report = await readiness(client.raw, { scopes: ["runs:create", "runs:read"] });
 * if (!report.ok) for (const b of report.blockers) console.error(`${b.code}: ${b.message} — ${b.fix}`);
 */
export async function readiness(raw: Raw, options: ReadinessOptions = {}, now = Date.now): Promise<Readiness> {
  const blockers: ReadinessIssue[] = [];
  const warnings: ReadinessIssue[] = [];
  const facts: Record<string, unknown> = {};
  const block = (code: ReadinessCode, message: string, fix: string) => blockers.push({ code, message, fix });
  const warn = (code: ReadinessCode, message: string, fix: string) => warnings.push({ code, message, fix });
  const done = (): Readiness => ({ ok: blockers.length === 0, blockers, warnings, facts });

  let discoveryAnswer: RawResponse;
  try {
    discoveryAnswer = await raw("GET", "/.well-known/openwop", { auth: false });
  } catch (error) {
    block(
      "host_unreachable",
      `GET /.well-known/openwop got no answer: ${error instanceof Error ? error.message : String(error)}`,
      "check the base URL and that the host is running (its /healthz answers)",
    );
    return done();
  }
  const problem =
    discoveryAnswer.status === 200
      ? discoveryProblem(discoveryAnswer.body)
      : `GET /.well-known/openwop answered ${discoveryAnswer.status}`;
  if (problem !== undefined) {
    block("discovery_invalid", problem, "point the client at an OpenWOP v1 host's origin (no /v1 in the base URL)");
    return done();
  }
  const discovery = discoveryAnswer.body as Capabilities;
  facts["protocolVersion"] = discovery.protocolVersion;
  if (isObject(discovery.implementation) && typeof discovery.implementation["name"] === "string") {
    facts["implementation"] =
      `${discovery.implementation["name"]} ${String(discovery.implementation["version"] ?? "")}`.trim();
  }
  if (!/^1\.\d+/.test(discovery.protocolVersion)) {
    block(
      "protocol_unsupported",
      `the host speaks protocol ${discovery.protocolVersion}; this client speaks 1.x`,
      "use a client for that protocol version, or a v1 host",
    );
    return done();
  }

  checkClock(discoveryAnswer, now(), facts, block, warn);
  const key = await checkKey(raw, discovery, options, now(), facts, block, warn);
  await checkHost(raw, facts, block, warn);
  if (key?.scopes.includes("webhooks:manage") && isObject(discovery.webhooks)) {
    await checkWebhooks(raw, warn);
  }
  return done();
}

type Report = (code: ReadinessCode, message: string, fix: string) => void;

function checkClock(answer: RawResponse, nowMs: number, facts: Record<string, unknown>, block: Report, warn: Report) {
  const date = Date.parse(answer.headers.get("date") ?? "");
  if (Number.isNaN(date)) return;
  // The Date header has whole seconds: a skew under a second is noise.
  const skew = Math.round((nowMs - date) / 1000);
  facts["clockSkewSeconds"] = skew;
  const message = `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? "ahead of" : "behind"} the host's`;
  if (Math.abs(skew) > SKEW_BLOCKER_SECONDS) {
    block("clock_skew", `${message}; webhook signatures outside 300 s are refused`, "synchronise both clocks (NTP)");
  } else if (Math.abs(skew) > SKEW_WARNING_SECONDS) {
    warn("clock_skew", message, "synchronise both clocks (NTP) before signatures start failing");
  }
}

async function checkKey(
  raw: Raw,
  discovery: Capabilities,
  options: ReadinessOptions,
  nowMs: number,
  facts: Record<string, unknown>,
  block: Report,
  warn: Report,
): Promise<ApiKey | undefined> {
  const wanted = options.scopes ?? [];
  const managesKeys = isObject(discovery.keys) && discovery.keys["supported"] === true;
  const answer = managesKeys ? await raw("GET", "/v1/keys/self") : await raw("GET", `/v1/runs/${PROBE_RUN_ID}`);
  if (answer.status === 401) {
    const code = envelopeCode(answer);
    block(
      "key_rejected",
      `the host refused the key (${code ?? "401"})`,
      code === "key_expired" || code === "key_revoked"
        ? "issue a new key (openwop keys issue) or rotate before expiry"
        : "check the API key: it must be the whole secret, sent as a bearer token",
    );
    return undefined;
  }
  if (!managesKeys) {
    if (answer.status === 403 && wanted.includes("runs:read")) {
      block("scope_missing", "the key lacks runs:read", "use a key issued with the scopes you need");
    }
    if (wanted.length > 0) {
      warn(
        "scopes_unknown",
        "the host does not manage keys, so the key's scopes cannot be read before use",
        "expect 403 forbidden for any scope the key lacks",
      );
    }
    return undefined;
  }
  if (answer.status !== 200 || !isObject(answer.body)) {
    block("key_rejected", `GET /v1/keys/self answered ${answer.status}`, "check the key and the host's logs");
    return undefined;
  }
  const key = answer.body as unknown as ApiKey;
  facts["tenant"] = key.tenant;
  facts["scopes"] = key.scopes;
  facts["keyExpiresAt"] = key.expiresAt;
  const missing = wanted.filter((scope) => !key.scopes.includes(scope));
  if (missing.length > 0) {
    block("scope_missing", `the key lacks ${missing.join(", ")}`, "issue a key with those scopes (openwop keys issue)");
  }
  if (key.status === "grace") {
    warn(
      "key_in_grace",
      `the key was rotated and stops working at ${key.expiresAt ?? "the end of its grace"}`,
      "switch to its successor now",
    );
  } else if (key.expiresAt !== null) {
    const days = (Date.parse(key.expiresAt) - nowMs) / 86_400_000;
    if (days < (options.expiryWarningDays ?? 7)) {
      warn("key_expiring", `the key expires at ${key.expiresAt}`, "rotate it (openwop keys rotate) before it expires");
    }
  }
  return key;
}

async function checkHost(raw: Raw, facts: Record<string, unknown>, block: Report, warn: Report): Promise<void> {
  const ready = await raw("GET", "/readyz", { auth: false }).catch(() => undefined);
  if (ready === undefined || ready.status === 404) return; // Readiness probes are a host's choice, not v1's.
  if (ready.status !== 200) {
    const checks =
      isObject(ready.body) && isObject(ready.body["details"]) ? ready.body["details"]["checks"] : undefined;
    block(
      "host_not_ready",
      `/readyz answered ${ready.status}${checks ? ` (${JSON.stringify(checks)})` : ""}`,
      "wait for the host to recover; see docs/production.md on a degraded host",
    );
    return;
  }
  const admission = isObject(ready.body) ? ready.body["admission"] : undefined;
  if (!isObject(admission)) return;
  const pending = admission["pendingRuns"];
  const bound = admission["maxPendingRuns"];
  if (typeof pending !== "number" || typeof bound !== "number") return;
  facts["pendingRuns"] = pending;
  facts["maxPendingRuns"] = bound;
  if (pending >= bound) {
    block(
      "admission_full",
      `${pending} runs wait to execute, at the bound of ${bound}`,
      "wait, or raise OPENWOP_MAX_PENDING_RUNS",
    );
  } else if (pending >= bound * ADMISSION_WARNING_SHARE) {
    warn(
      "admission_high",
      `${pending} runs wait to execute (bound ${bound})`,
      "pace new work; 503s start at the bound",
    );
  }
}

async function checkWebhooks(raw: Raw, warn: Report): Promise<void> {
  const answer = await raw("GET", "/v1/webhooks?limit=100");
  if (answer.status !== 200 || !isObject(answer.body)) return;
  for (const subscription of (answer.body as unknown as WebhookSubscriptionList).webhooks ?? []) {
    if (subscription.status === "failed") {
      warn(
        "webhook_failed",
        `webhook ${subscription.webhookId} (${subscription.url}) failed its budget and receives nothing`,
        "fix the receiver, then resume it (openwop webhooks resume)",
      );
    } else if (subscription.circuit.open) {
      warn(
        "webhook_circuit_open",
        `webhook ${subscription.webhookId} (${subscription.url}) has its circuit open until ${subscription.circuit.openUntil ?? "?"}`,
        "check the receiver; deliveries wait and resume by themselves",
      );
    }
  }
}
