/**
 * `@openwop/conformance`: black-box OpenWOP v1 scenarios, the runner that judges a host
 * with them, profile verdicts derived from the results, and the host-manifest launcher.
 */
export { runSuite, selectScenarios, SuiteStartError } from "./runner/run-suite.js";
export type { SuiteRun, RunSuiteHooks } from "./runner/run-suite.js";
export type { Scenario, ScenarioContext, ScenarioRun, SuiteOptions, Gate, GateDecision } from "./runner/scenario.js";
export { SCENARIOS } from "./scenarios/registry.js";
export { PROFILES, PROFILE_IDS, isProfileId } from "./profiles/catalog.js";
export type { ProfileId, ProfileDefinition } from "./profiles/catalog.js";
export { profileVerdicts } from "./profiles/verdicts.js";
export { resultDocument, summarize } from "./result/document.js";
export { canonicalDigest, canonicalJson } from "./lib/canonical-json.js";
export { loadHostManifest, parseHostManifest, ManifestError } from "./host-manifest/manifest.js";
export type { HostManifest, LoadedHostManifest, ExtraKeySpec } from "./host-manifest/manifest.js";
export { launchHost, LaunchError } from "./host-manifest/launch.js";
export type { LaunchedHost, LaunchOptions, LaunchedKeys } from "./host-manifest/launch.js";
export { SUITE_VERSION } from "./suite-version.js";
export { CITATION_PATTERN, citationResolves, parseCitation, sectionHeadingPattern } from "./spec-citations.js";
export type { Citation } from "./spec-citations.js";
