/**
 * The scale tiers of the OpenWOP v1 scale profiles (contract §9), limited to the
 * properties a load test can observe. Each tier is a floor: a host meets a tier on a
 * property when its measured figure is within that tier's bound.
 */

export const TIERS = ["minimal", "production", "high-throughput"] as const;
export type Tier = (typeof TIERS)[number];

export type TierProperty = "postP50Ms" | "postP99Ms" | "deliveryP99Ms" | "concurrentRuns";

interface PropertyRule {
  label: string;
  /** `max`: the figure must be at most the bound (latencies); `min`: at least (capacities). */
  kind: "max" | "min";
  unit: string;
  bounds: Record<Tier, number>;
}

export const TIER_RULES: Record<TierProperty, PropertyRule> = {
  postP50Ms: {
    label: "POST /v1/runs p50",
    kind: "max",
    unit: "ms",
    bounds: { minimal: 1000, production: 250, "high-throughput": 100 },
  },
  postP99Ms: {
    label: "POST /v1/runs p99",
    kind: "max",
    unit: "ms",
    bounds: { minimal: 5000, production: 1000, "high-throughput": 500 },
  },
  deliveryP99Ms: {
    label: "event delivery p99",
    kind: "max",
    unit: "ms",
    bounds: { minimal: 5000, production: 500, "high-throughput": 200 },
  },
  // The bench drives one tenant, so its in-flight count is both the per-tenant and the
  // global figure; the global floors (1 / 500 / 5000) are the stricter ones.
  concurrentRuns: {
    label: "concurrent runs in flight",
    kind: "min",
    unit: "runs",
    bounds: { minimal: 1, production: 500, "high-throughput": 5000 },
  },
};

export interface TierVerdict {
  property: TierProperty;
  label: string;
  /** The measured figure, or null when the workload was not run. */
  value: number | null;
  unit: string;
  /** The highest tier met, `none` when even `minimal` is missed, null when not measured. */
  tier: Tier | "none" | null;
}

function meets(rule: PropertyRule, tier: Tier, value: number): boolean {
  return rule.kind === "max" ? value <= rule.bounds[tier] : value >= rule.bounds[tier];
}

/** The highest tier whose bound `value` satisfies on `property`. */
export function classify(property: TierProperty, value: number | null | undefined): TierVerdict {
  const rule = TIER_RULES[property];
  const base = { property, label: rule.label, unit: rule.unit };
  if (value == null || !Number.isFinite(value)) return { ...base, value: null, tier: null };
  let best: Tier | "none" = "none";
  for (const tier of TIERS) if (meets(rule, tier, value)) best = tier;
  return { ...base, value, tier: best };
}

/** The tier met on every measured property: the lowest of the per-property verdicts. */
export function overallTier(verdicts: readonly TierVerdict[]): Tier | "none" | null {
  const measured = verdicts.filter((v) => v.tier !== null);
  if (measured.length === 0) return null;
  let lowest: number = TIERS.length - 1;
  for (const verdict of measured) {
    const index = verdict.tier === "none" ? -1 : TIERS.indexOf(verdict.tier as Tier);
    lowest = Math.min(lowest, index);
  }
  const tiers: readonly Tier[] = TIERS;
  return lowest < 0 ? "none" : (tiers[lowest] as Tier);
}
