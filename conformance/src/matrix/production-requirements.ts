import type { Scenario } from "../runner/scenario.js";

/** The six requirements of spec/v1/production-profile.md §3, as the report lists them. */
export const PRODUCTION_REQUIREMENTS = [
  { id: "P1", title: "Durability", spec: "spec/v1/production-profile.md §3.1" },
  { id: "P2", title: "Backpressure", spec: "spec/v1/production-profile.md §3.2" },
  { id: "P3", title: "Idempotency", spec: "spec/v1/production-profile.md §3.3" },
  { id: "P4", title: "Retention", spec: "spec/v1/production-profile.md §3.4" },
  { id: "P5", title: "Debug bundles", spec: "spec/v1/production-profile.md §3.5" },
  { id: "P6", title: "Structured logs", spec: "spec/v1/production-profile.md §3.6" },
] as const;

export type ProductionRequirement = (typeof PRODUCTION_REQUIREMENTS)[number];

/**
 * A scenario witnesses a requirement when it cites the requirement's section, as its own
 * spec or among the sections it also cites; the registry stays the single source.
 */
export function witnessesOf<Citing extends Pick<Scenario, "spec" | "alsoCites">>(
  requirement: ProductionRequirement,
  registry: readonly Citing[],
): Citing[] {
  return registry.filter(
    (scenario) => scenario.spec === requirement.spec || (scenario.alsoCites ?? []).includes(requirement.spec),
  );
}
