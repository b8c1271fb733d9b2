import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ConformanceResult } from "@openwop/types";
import { redactedCommand } from "../cli/args.js";
import { startFaultProxy } from "../fault-proxy/proxy.js";
import type { FaultSwitch } from "../fault-proxy/switches.js";
import { launchHost } from "../host-manifest/launch.js";
import { loadHostManifest } from "../host-manifest/manifest.js";
import { resultDocument } from "../result/document.js";
import { runSuite } from "../runner/run-suite.js";
import { SCENARIOS } from "../scenarios/registry.js";

const manifestPath = fileURLToPath(new URL("../../../examples/hosts/in-memory/openwop-host.json", import.meta.url));
const hostEntry = fileURLToPath(new URL("../../../examples/hosts/in-memory/dist/main.js", import.meta.url));

/**
 * Tests of the reports and of external results need a result document a real run produced:
 * this starts the in-memory example host, runs the named registry scenarios against it over
 * HTTP (strictly, without a manifest, so the process-level ones skip and become failures
 * where the host advertises what they test), and stops the host. With `fault`, the run goes
 * through the fault proxy with that switch on, so the witnesses of the fault really fail.
 */
export async function inMemoryResult(
  scenarioIds: readonly string[],
  options: { readonly fault?: FaultSwitch } = {},
): Promise<ConformanceResult> {
  if (!existsSync(hostEntry))
    throw new Error(`${hostEntry} is missing: build the host first (pnpm build, or pnpm test which builds)`);
  const scenarios = SCENARIOS.filter((scenario) => scenarioIds.includes(scenario.id));
  if (scenarios.length !== scenarioIds.length) throw new Error(`unknown scenario among ${scenarioIds.join(", ")}`);
  const host = await launchHost(await loadHostManifest(manifestPath));
  const proxy =
    options.fault === undefined ? undefined : await startFaultProxy({ target: host.baseUrl, fault: options.fault });
  try {
    const baseUrl = proxy?.url ?? host.baseUrl;
    const args = ["--base-url", baseUrl, "--api-key", host.keys.apiKey, "--require-behavior"];
    const suite = await runSuite(
      {
        baseUrl,
        apiKey: host.keys.apiKey,
        ...(host.keys.lowScopeApiKey ? { lowScopeApiKey: host.keys.lowScopeApiKey } : {}),
        ...(host.keys.secondaryApiKey ? { secondaryApiKey: host.keys.secondaryApiKey } : {}),
        timeoutScale: 2,
        requireBehavior: true,
        optOutProfiles: [],
        env: {},
      },
      { scenarios },
    );
    return resultDocument(suite, { command: redactedCommand(args), baseUrl });
  } finally {
    await proxy?.close();
    await host.stop();
  }
}
