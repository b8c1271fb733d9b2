import type { ProfileVerdict } from "@openwop/types";

/** The legend of INTEROP-MATRIX.md, shared by the CI rows and the self-reported ones. */
export const CLAIMED = "✅ claimed";
export const DENIED = "❌ not claimed";
export const NOT_ADVERTISED = "➖ not advertised";
export const NOT_RUN = "⏸ not run";

/** One profile cell: no verdict means the host did not run. */
export function cellFor(verdict: ProfileVerdict | undefined): string {
  if (verdict === undefined) return NOT_RUN;
  if (verdict.claimed) return CLAIMED;
  return verdict.predicateHolds ? DENIED : NOT_ADVERTISED;
}
