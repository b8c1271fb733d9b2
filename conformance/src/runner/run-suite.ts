import { createClient, LocalClientError } from "@openwop/client";
import type { Capabilities } from "@openwop/types";
import type { ProfileVerdict } from "@openwop/types";
import { canonicalDigest } from "../lib/canonical-json.js";
import { predicateMap, profileVerdicts } from "../profiles/verdicts.js";
import { SCENARIOS } from "../scenarios/registry.js";
import { runScenario } from "./run-scenario.js";
import type { Scenario, ScenarioRun, SuiteOptions } from "./scenario.js";
import { applyStrictness } from "./strictness.js";

export interface SuiteRun {
  readonly discovery: Capabilities;
  readonly discoveryDigest: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly runs: readonly ScenarioRun[];
  readonly profiles: readonly ProfileVerdict[];
}

/** The suite could not judge the host at all (unreachable, or discovery unusable): exit 2. */
export class SuiteStartError extends Error {
  override readonly name = "SuiteStartError";
}

export interface RunSuiteHooks {
  /** Called once per scenario, after strictness, in run order. */
  readonly onResult?: (run: ScenarioRun) => void;
  /** Replaces the registry (tests of the runner itself). */
  readonly scenarios?: readonly Scenario[];
}

/** Picks the scenarios `--filter` and `--profile` leave in, keeping registry order. */
export function selectScenarios(
  registry: readonly Scenario[],
  options: Pick<SuiteOptions, "filter" | "profileFilter">,
): Scenario[] {
  return registry.filter(
    (scenario) =>
      (options.filter === undefined || scenario.id.includes(options.filter)) &&
      (options.profileFilter === undefined ||
        scenario.profiles.some((profile) => options.profileFilter?.includes(profile))),
  );
}

/**
 * Fetches discovery, runs the selected scenarios one after another (a saturation scenario
 * would disturb its neighbours if they overlapped), then derives profile verdicts.
 */
export async function runSuite(options: SuiteOptions, hooks: RunSuiteHooks = {}): Promise<SuiteRun> {
  const registry = hooks.scenarios ?? SCENARIOS;
  const startedAt = new Date();
  const started = performance.now();
  const discovery = await fetchDiscovery(options);
  const holds = predicateMap(discovery);
  const runs: ScenarioRun[] = [];
  for (const scenario of selectScenarios(registry, options)) {
    const run = applyStrictness(await runScenario(scenario, discovery, options), holds, options);
    runs.push(run);
    hooks.onResult?.(run);
  }
  return {
    discovery,
    discoveryDigest: canonicalDigest(discovery),
    startedAt,
    durationMs: Math.round(performance.now() - started),
    runs,
    profiles: profileVerdicts(discovery, registry, runs, options.optOutProfiles),
  };
}

async function fetchDiscovery(options: SuiteOptions): Promise<Capabilities> {
  const client = createClient({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutMs: 10_000 * options.timeoutScale,
  });
  let response;
  try {
    response = await client.raw("GET", "/.well-known/openwop", { auth: false });
  } catch (error) {
    const reason = error instanceof LocalClientError ? error.message : String(error);
    throw new SuiteStartError(`host unreachable at ${options.baseUrl}: ${reason}`);
  }
  if (response.status !== 200)
    throw new SuiteStartError(`GET /.well-known/openwop answered ${response.status}, not 200`);
  const body = response.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new SuiteStartError("GET /.well-known/openwop did not return a JSON object");
  }
  const missing = ["protocolVersion", "supportedEnvelopes", "schemaVersions", "limits"].filter((key) => !(key in body));
  if (missing.length > 0) throw new SuiteStartError(`discovery document lacks ${missing.join(", ")}`);
  return body as Capabilities;
}
