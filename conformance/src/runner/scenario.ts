import type { OpenWopClient } from "@openwop/client";
import type { Capabilities } from "@openwop/types";
import type { ScenarioOutcome } from "@openwop/types";
import type { LoadedHostManifest } from "../host-manifest/manifest.js";
import type { ProfileId } from "../profiles/catalog.js";
import type { Assertions } from "./assertions.js";

/** What the gate decided before the body ran. */
export type GateDecision =
  | { readonly run: true }
  | { readonly run: false; readonly outcome: "skip"; readonly reason: string; readonly advertised: boolean }
  | { readonly run: false; readonly outcome: "inapplicable"; readonly reason: string };

/** A capability predicate over the discovery document. */
export type Gate = (discovery: Capabilities) => GateDecision;

export interface Scenario {
  /** Stable kebab-case id; results, coverage and the matrix key on it. */
  readonly id: string;
  readonly title: string;
  readonly profiles: readonly ProfileId[];
  /** The section this scenario tests, `spec/v1/<file>.md §N.M`. */
  readonly spec: string;
  /** Further sections it witnesses (production scenarios cite the production profile here). */
  readonly alsoCites?: readonly string[];
  readonly gate: Gate;
  /** Process-level scenarios start and kill host processes through the host manifest. */
  readonly requires?: "host-manifest";
  /** Unscaled bound for the body; `--timeout-scale` multiplies it. Default 60 s. */
  readonly timeoutMs?: number;
  run(context: ScenarioContext): Promise<void>;
}

/** Inputs a suite run needs beyond the scenarios themselves. */
export interface SuiteOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** A key of a different tenant, for isolation checks. */
  readonly secondaryApiKey?: string;
  /** A key of the primary tenant without `runs:create`, for 403 checks. */
  readonly lowScopeApiKey?: string;
  readonly hostManifest?: LoadedHostManifest;
  /**
   * The host accepts private and loopback webhook URLs (webhooks.md §4.3), so the suite's
   * loopback receiver can be subscribed: `--webhook-private-urls`. A manifest's
   * `testSeams.webhookPrivateUrls` says the same (see `privateWebhookUrls` in lib/webhooks.ts).
   */
  readonly webhookPrivateUrls?: boolean;
  readonly timeoutScale: number;
  readonly requireBehavior: boolean;
  readonly optOutProfiles: readonly string[];
  /** Run only scenarios in one of these profiles. */
  readonly profileFilter?: readonly ProfileId[];
  /** Run only scenarios whose id contains this text. */
  readonly filter?: string;
  /** Environment seams (force-expire URL and friends); the CLI passes `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
}

export interface ScenarioContext {
  readonly client: OpenWopClient;
  readonly discovery: Capabilities;
  /** The scenario's own checks: only these count as its evidence. */
  readonly assert: Assertions;
  /**
   * Checks of the preconditions a helper sets up (a run created with 201, a key issued).
   * A failing one fails the scenario like any assertion, but passing ones are not evidence
   * for it: a scenario whose own `assert` never ran is `blocked`, however much setup passed.
   */
  readonly setupAssert: Assertions;
  readonly options: SuiteOptions;
  /** Aborted when the scenario runs out of time. */
  readonly signal: AbortSignal;
  /** A client for another key of the same host (or no key at all with `undefined`). */
  clientWithKey(apiKey: string | undefined): OpenWopClient;
  /** `ms` multiplied by `--timeout-scale`. */
  scaled(ms: number): number;
  sleep(ms: number): Promise<void>;
  /** Registers cleanup that runs after the body, whatever its outcome, newest first. */
  defer(cleanup: () => unknown): void;
  /** Ends the scenario as `skip`; `advertised` says whether the host promised what went untested. */
  skip(reason: string, advertised: boolean): never;
  inapplicable(reason: string): never;
  /** Ends the scenario as `blocked`: it ran, but what came back proves nothing either way. */
  blocked(reason: string): never;
  /** Records a fact worth reporting even on a pass (e.g. an optional check that did not apply). */
  note(text: string): void;
}

/** One scenario's verdict as the runner records it. */
export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly outcome: ScenarioOutcome;
  readonly durationMs: number;
  readonly assertions: number;
  readonly message?: string;
  /** Skips only: whether the untested capability was advertised (input to strictness). */
  readonly advertised?: boolean;
}
