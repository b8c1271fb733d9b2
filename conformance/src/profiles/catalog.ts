import type { Capabilities } from "@openwop/types";

/** Every profile this suite can judge (spec/v1/profiles.md §3), in the order reports list them. */
export const PROFILE_IDS = [
  "openwop-core",
  "openwop-interrupts",
  "openwop-stream-sse",
  "openwop-stream-poll",
  "openwop-core-standard",
  "openwop-fixtures",
  "openwop-debug-bundle",
  "openwop-production",
  "openwop-auth-api-key-rotation",
  "openwop-webhooks",
  "openwop-webhooks-durable",
  "openwop-run-management",
  "openwop-run-pause",
  "openwop-expressions",
] as const;

export type ProfileId = (typeof PROFILE_IDS)[number];

export interface PredicateResult {
  readonly holds: boolean;
  /** Which member of discovery decided it, in words a host author can act on. */
  readonly reason: string;
}

export interface ProfileDefinition {
  readonly id: ProfileId;
  readonly title: string;
  readonly spec: string;
  /** A pure function of the discovery document: profiles are derived, never declared. */
  readonly predicate: (discovery: Capabilities) => PredicateResult;
  /**
   * Claims this one presupposes: all of `all`, and at least one of `anyOf`. Only the
   * production profile has any (production-profile.md §2.1).
   */
  readonly dependsOn?: { readonly all?: readonly ProfileId[]; readonly anyOf?: readonly ProfileId[] };
}

const holds = (reason: string): PredicateResult => ({ holds: true, reason });
const fails = (reason: string): PredicateResult => ({ holds: false, reason });

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);

/** Runs each check in order and reports the first that fails; `reason` describes the pass. */
function all(checks: ReadonlyArray<readonly [boolean, string]>, reason: string): PredicateResult {
  const failed = checks.find(([ok]) => !ok);
  return failed === undefined ? holds(reason) : fails(failed[1]);
}

function core(d: Capabilities): PredicateResult {
  const limits = record(d.limits);
  return all(
    [
      [
        typeof d.protocolVersion === "string" && /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/.test(d.protocolVersion),
        "protocolVersion is not <major>.<minor>",
      ],
      [typeof d.protocolVersion === "string" && d.protocolVersion.startsWith("1."), "protocolVersion is not 1.x"],
      [Array.isArray(d.supportedEnvelopes), "supportedEnvelopes is not an array"],
      [record(d.schemaVersions) !== undefined, "schemaVersions is not an object"],
      [limits !== undefined, "limits is not an object"],
      ...(["clarificationRounds", "schemaRounds", "envelopesPerTurn"] as const).map(
        (key) =>
          [
            isInt(limits?.[key]) && (limits?.[key] as number) >= 0,
            `limits.${key} is not a non-negative integer`,
          ] as const,
      ),
    ],
    "protocolVersion, supportedEnvelopes, schemaVersions and limits are well-formed",
  );
}

function restStreams(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  const transports = d.supportedTransports;
  if (transports === undefined) return holds("supportedTransports absent, REST implied");
  return Array.isArray(transports) && transports.includes("rest")
    ? holds("supportedTransports includes rest")
    : fails("supportedTransports lacks rest");
}

function interrupts(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  return d.supportedEnvelopes.includes("clarification.request")
    ? holds("supportedEnvelopes includes clarification.request")
    : fails("supportedEnvelopes lacks clarification.request");
}

function production(d: Capabilities): PredicateResult {
  const streams = restStreams(d);
  if (!streams.holds) return streams;
  const block = record(d.production);
  const backpressure = record(block?.backpressure);
  const retention = record(block?.retention);
  const bundle = record(block?.debugBundle);
  const idempotency = record(d.idempotency);
  return all(
    [
      [block?.supported === true, "production.supported is not true"],
      [backpressure?.supported === true, "production.backpressure.supported is not true"],
      [
        isInt(backpressure?.inflightCap) && (backpressure?.inflightCap as number) >= 1,
        "production.backpressure.inflightCap is not an integer ≥ 1",
      ],
      [
        isInt(backpressure?.retryAfterSeconds) &&
          (backpressure?.retryAfterSeconds as number) >= 0 &&
          (backpressure?.retryAfterSeconds as number) <= 86_400,
        "production.backpressure.retryAfterSeconds is not an integer in 0..86400",
      ],
      [retention?.supported === true, "production.retention.supported is not true"],
      [
        isInt(retention?.minWindowSeconds) && (retention?.minWindowSeconds as number) >= 604_800,
        "production.retention.minWindowSeconds is below 604800",
      ],
      [bundle?.supported === true, "production.debugBundle.supported is not true"],
      [bundle?.truncationMetadata === true, "production.debugBundle.truncationMetadata is not true"],
      [record(d.debugBundle)?.supported === true, "debugBundle.supported is not true"],
      [idempotency?.supported === true, "idempotency.supported is not true"],
      [
        isInt(idempotency?.layer1RetentionSeconds) && (idempotency?.layer1RetentionSeconds as number) >= 86_400,
        "idempotency.layer1RetentionSeconds is below 86400",
      ],
    ],
    "the production block, debugBundle and idempotency advertise every P1–P6 promise",
  );
}

function keyRotation(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  const keys = record(d.keys);
  const maxGrace = keys?.maxGraceSeconds;
  const defaultGrace = keys?.defaultGraceSeconds;
  const propagation = keys?.revocationPropagationSeconds;
  return all(
    [
      [keys !== undefined, "keys is not an object"],
      [keys?.supported === true, "keys.supported is not true"],
      [isInt(maxGrace) && maxGrace >= 60, "keys.maxGraceSeconds is not an integer ≥ 60"],
      [isInt(defaultGrace) && defaultGrace >= 0, "keys.defaultGraceSeconds is not a non-negative integer"],
      [
        isInt(defaultGrace) && isInt(maxGrace) && defaultGrace <= maxGrace,
        "keys.defaultGraceSeconds exceeds keys.maxGraceSeconds",
      ],
      [
        isInt(propagation) && propagation >= 0 && propagation <= 60,
        "keys.revocationPropagationSeconds is not an integer in 0..60",
      ],
    ],
    `keys advertised (grace ${String(defaultGrace)}/${String(maxGrace)} s, propagation ${String(propagation)} s)`,
  );
}

function webhooks(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  const block = record(d.webhooks);
  const algorithms = block?.signatureAlgorithms;
  return all(
    [
      [block !== undefined, "webhooks is not an object"],
      [block?.supported === true, "webhooks.supported is not true"],
      [Array.isArray(algorithms), "webhooks.signatureAlgorithms is not an array"],
      [Array.isArray(algorithms) && algorithms.includes("v1"), "webhooks.signatureAlgorithms lacks v1"],
    ],
    `webhooks advertised (signatures ${Array.isArray(algorithms) ? algorithms.join(", ") : "?"})`,
  );
}

function durableWebhooks(d: Capabilities): PredicateResult {
  const base = webhooks(d);
  if (!base.holds) return base;
  const block = record(d.webhooks);
  const maxAttempts = block?.maxAttempts;
  return all(
    [
      [block?.durable === true, "webhooks.durable is not true"],
      [isInt(maxAttempts) && maxAttempts >= 1, "webhooks.maxAttempts is not an integer ≥ 1"],
    ],
    `durable webhooks advertised (${String(maxAttempts)} attempts)`,
  );
}

function runManagement(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  const block = record(d.runs);
  return all(
    [
      [block !== undefined, "runs is not an object"],
      [block?.list === true, "runs.list is not true"],
      [block?.bulkCancel === true, "runs.bulkCancel is not true"],
    ],
    "run listing and bulk cancel advertised",
  );
}

function runPause(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  const block = record(record(d.runs)?.pauseResume);
  const policies = block?.drainPolicies;
  return all(
    [
      [block !== undefined, "runs.pauseResume is not an object"],
      [block?.supported === true, "runs.pauseResume.supported is not true"],
      [
        Array.isArray(policies) && policies.includes("drain-current-node"),
        "runs.pauseResume.drainPolicies does not include drain-current-node",
      ],
    ],
    `pause and resume advertised (${Array.isArray(policies) ? policies.join(", ") : "no policies"})`,
  );
}

function expressions(d: Capabilities): PredicateResult {
  const base = core(d);
  if (!base.holds) return base;
  const block = record(d.expressions);
  return all(
    [
      [block !== undefined, "expressions is not an object"],
      [block?.language === "cel", `expressions.language is ${JSON.stringify(block?.language)}, not "cel"`],
    ],
    `expressions advertised (${String(block?.language)} ${String(block?.version ?? "")})`.trim(),
  );
}

/** The catalog, in {@link PROFILE_IDS} order; predicates transcribe spec/v1/profiles.md §3. */
export const PROFILES: readonly ProfileDefinition[] = [
  { id: "openwop-core", title: "Core", spec: "spec/v1/profiles.md §3.1", predicate: core },
  { id: "openwop-interrupts", title: "Interrupts", spec: "spec/v1/profiles.md §3.2", predicate: interrupts },
  { id: "openwop-stream-sse", title: "SSE streams", spec: "spec/v1/profiles.md §3.3", predicate: restStreams },
  { id: "openwop-stream-poll", title: "Polling", spec: "spec/v1/profiles.md §3.4", predicate: restStreams },
  {
    id: "openwop-core-standard",
    title: "Core standard",
    spec: "spec/v1/profiles.md §3.5",
    predicate: (d) => {
      const base = interrupts(d);
      return base.holds ? restStreams(d) : base;
    },
  },
  {
    id: "openwop-fixtures",
    title: "Fixtures",
    spec: "spec/v1/profiles.md §3.6",
    predicate: (d) => {
      const base = core(d);
      if (!base.holds) return base;
      const fixtures = d.fixtures;
      return all(
        [
          [Array.isArray(fixtures) && fixtures.length > 0, "fixtures is absent or empty"],
          [
            Array.isArray(fixtures) && fixtures.every((id) => typeof id === "string" && id.length > 0),
            "fixtures has an empty or non-string id",
          ],
          [Array.isArray(fixtures) && new Set(fixtures).size === fixtures.length, "fixtures has duplicates"],
        ],
        `${Array.isArray(fixtures) ? fixtures.length : 0} fixtures advertised`,
      );
    },
  },
  {
    id: "openwop-debug-bundle",
    title: "Debug bundle",
    spec: "spec/v1/profiles.md §3.7",
    predicate: (d) => {
      const base = core(d);
      if (!base.holds) return base;
      return record(d.debugBundle)?.supported === true
        ? holds("debugBundle.supported is true")
        : fails("debugBundle.supported is not true");
    },
  },
  {
    id: "openwop-production",
    title: "Production",
    spec: "spec/v1/profiles.md §3.8",
    predicate: production,
    dependsOn: { all: ["openwop-core"], anyOf: ["openwop-stream-sse", "openwop-stream-poll"] },
  },
  {
    id: "openwop-auth-api-key-rotation",
    title: "API key rotation",
    spec: "spec/v1/profiles.md §3.9",
    predicate: keyRotation,
  },
  { id: "openwop-webhooks", title: "Webhooks", spec: "spec/v1/profiles.md §3.10", predicate: webhooks },
  {
    id: "openwop-webhooks-durable",
    title: "Durable webhooks",
    spec: "spec/v1/profiles.md §3.11",
    predicate: durableWebhooks,
  },
  {
    id: "openwop-run-management",
    title: "Run management",
    spec: "spec/v1/profiles.md §3.12",
    predicate: runManagement,
  },
  { id: "openwop-run-pause", title: "Run pause", spec: "spec/v1/profiles.md §3.13", predicate: runPause },
  { id: "openwop-expressions", title: "Expressions", spec: "spec/v1/profiles.md §3.14", predicate: expressions },
];

export function isProfileId(value: string): value is ProfileId {
  return (PROFILE_IDS as readonly string[]).includes(value);
}
