import { PROFILES } from "../profiles/catalog.js";
import type { Scenario } from "../runner/scenario.js";
import { SUITE_NAME, SUITE_VERSION } from "../suite-version.js";

/** One scenario as `--list --json` prints it: what it tests, never how. */
export interface ListedScenario {
  readonly id: string;
  readonly title: string;
  readonly profiles: readonly string[];
  readonly spec: string;
  readonly alsoCites: readonly string[];
  readonly requires?: "host-manifest";
}

/** `openwop-conformance --list --json`: the suite, its profiles with their sets, its scenarios. */
export interface RegistryListing {
  readonly suite: string;
  readonly suiteVersion: string;
  readonly profiles: ReadonlyArray<{
    readonly id: string;
    readonly title: string;
    readonly spec: string;
    readonly scenarios: readonly string[];
  }>;
  readonly scenarios: readonly ListedScenario[];
}

export function registryListing(registry: readonly Scenario[]): RegistryListing {
  return {
    suite: SUITE_NAME,
    suiteVersion: SUITE_VERSION,
    profiles: PROFILES.map((profile) => ({
      id: profile.id,
      title: profile.title,
      spec: profile.spec,
      scenarios: registry.filter((scenario) => scenario.profiles.includes(profile.id)).map((scenario) => scenario.id),
    })),
    scenarios: registry.map((scenario) => ({
      id: scenario.id,
      title: scenario.title,
      profiles: [...scenario.profiles],
      spec: scenario.spec,
      alsoCites: [...(scenario.alsoCites ?? [])],
      ...(scenario.requires === undefined ? {} : { requires: scenario.requires }),
    })),
  };
}

/** The tab-separated `--list` line of one scenario: id, profiles, citation. */
export const listingLine = (scenario: Scenario) => `${scenario.id}\t${scenario.profiles.join(",")}\t${scenario.spec}`;
