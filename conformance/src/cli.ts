#!/usr/bin/env node
import { validateConformanceResult } from "@openwop/schema";
import { parseCli, UsageError, type CliArguments } from "./cli/args.js";
import { listingLine, registryListing } from "./cli/registry-listing.js";
import { USAGE } from "./cli/usage.js";
import { writeReports } from "./cli/write-reports.js";
import { loadHostManifest, ManifestError } from "./host-manifest/manifest.js";
import { paletteFor } from "./report/colour.js";
import { progressLine, summaryTable } from "./report/text-report.js";
import { resultDocument } from "./result/document.js";
import { runSuite, SuiteStartError } from "./runner/run-suite.js";
import { SCENARIOS } from "./scenarios/registry.js";
import { SUITE_NAME, SUITE_VERSION } from "./suite-version.js";

/** Exit codes: 0 all passed, 1 a scenario failed or was blocked, 2 the suite could not start. */
async function main(argv: readonly string[]): Promise<number> {
  const errPalette = paletteFor(process.stderr);
  let parsed;
  try {
    parsed = parseCli(argv, process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`openwop-conformance: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (parsed.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === "version") {
    process.stdout.write(`${SUITE_NAME} ${SUITE_VERSION}\n`);
    return 0;
  }
  if (parsed.kind === "list") {
    if (parsed.json) process.stdout.write(`${JSON.stringify(registryListing(SCENARIOS), null, 2)}\n`);
    else for (const scenario of SCENARIOS) process.stdout.write(`${listingLine(scenario)}\n`);
    return 0;
  }
  return run(parsed.args, errPalette);
}

async function run(args: CliArguments, errPalette: ReturnType<typeof paletteFor>): Promise<number> {
  let hostManifest;
  try {
    hostManifest = args.hostManifestPath === undefined ? undefined : await loadHostManifest(args.hostManifestPath);
  } catch (error) {
    if (error instanceof ManifestError) {
      process.stderr.write(`openwop-conformance: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  process.stderr.write(
    errPalette.dim(
      `${SUITE_NAME} ${SUITE_VERSION} → ${args.baseUrl}${args.requireBehavior ? " (--require-behavior)" : ""}\n`,
    ),
  );
  let suite;
  try {
    suite = await runSuite(
      {
        baseUrl: args.baseUrl,
        apiKey: args.apiKey,
        ...(args.secondaryApiKey === undefined ? {} : { secondaryApiKey: args.secondaryApiKey }),
        ...(args.lowScopeApiKey === undefined ? {} : { lowScopeApiKey: args.lowScopeApiKey }),
        ...(hostManifest === undefined ? {} : { hostManifest }),
        ...(args.webhookPrivateUrls ? { webhookPrivateUrls: true } : {}),
        ...(args.profileFilter === undefined ? {} : { profileFilter: args.profileFilter }),
        ...(args.filter === undefined ? {} : { filter: args.filter }),
        timeoutScale: args.timeoutScale,
        requireBehavior: args.requireBehavior,
        optOutProfiles: args.optOutProfiles,
        env: process.env,
      },
      { onResult: (result) => process.stderr.write(`${progressLine(result, errPalette)}\n`) },
    );
  } catch (error) {
    if (error instanceof SuiteStartError) {
      process.stderr.write(`openwop-conformance: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const predicateHolds = new Set(
    suite.profiles.filter((profile) => profile.predicateHolds).map((profile) => profile.profile),
  );
  for (const optedOut of args.optOutProfiles.filter((profile) => predicateHolds.has(profile))) {
    process.stderr.write(
      errPalette.yellow(`warning: ${optedOut} is opted out although discovery satisfies its predicate\n`),
    );
  }
  process.stdout.write(`${summaryTable(suite.runs, suite.profiles, paletteFor(process.stdout))}\n`);

  if (args.jsonPath !== undefined || args.junitPath !== undefined || args.htmlPath !== undefined) {
    const document = resultDocument(suite, { command: args.command, baseUrl: args.baseUrl });
    const validation = validateConformanceResult(document);
    if (!validation.valid) {
      // Our own output failing our own schema is a suite defect; say so rather than write it.
      process.stderr.write(
        `openwop-conformance: result document invalid: ${JSON.stringify(validation.errors.slice(0, 5))}\n`,
      );
      return 2;
    }
    for (const path of await writeReports(document, args)) process.stderr.write(errPalette.dim(`wrote ${path}\n`));
  }
  return suite.runs.some((result) => result.outcome === "fail" || result.outcome === "blocked") ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `openwop-conformance: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
