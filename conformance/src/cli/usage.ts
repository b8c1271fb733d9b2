import { PROFILE_IDS } from "../profiles/catalog.js";

export const USAGE = `Usage: openwop-conformance --base-url <url> --api-key <key> [options]

Runs the OpenWOP v1 black-box conformance scenarios against a running host.

Target
  --base-url <url>            host origin, e.g. http://127.0.0.1:3737 (env OPENWOP_BASE_URL)
  --api-key <key>             bootstrap key with every scope (env OPENWOP_API_KEY)
  --secondary-api-key <key>   a key of another tenant (tenant isolation)
  --low-scope-api-key <key>   a key of the same tenant without runs:create (403 checks)
  --host-manifest <file>      host manifest, for process-level scenarios and test seams
  --webhook-private-urls      the host accepts loopback webhook URLs (its development
                              override, webhooks.md §4.3, is on): run the delivery scenarios
                              against a local receiver, skip webhooks-url-safety (a
                              manifest's testSeams.webhookPrivateUrls says the same)

Selection and strictness
  --profile <id>[,<id>]       only scenarios in these profiles (repeatable)
  --filter <text>             only scenarios whose id contains <text>
  --require-behavior          skips of advertised capabilities, or inside profiles whose
                              predicate holds, become failures
  --opt-out-profiles <a,b>    profiles deliberately not implemented (recorded, never claimed)
  --timeout-scale <n>         multiply every time bound by n (slow machines, CI)

Output
  --json <file>               write the result document (schemas/conformance-result.schema.json)
  --junit <file>              write the same result as a JUnit XML report (one test case
                              per scenario; skip as skipped, blocked as error)
  --html <file>               write the same result as one self-contained HTML page
  --list [--json]             print the scenario registry (as JSON with --json) and exit
  --version, --help

Progress goes to stderr (one line per scenario; colour unless NO_COLOR), the summary to
stdout. Exit 0: every scenario passed or was legitimately skipped; 1: a scenario failed or
was blocked; 2: the suite could not start (bad arguments, host unreachable, discovery
unusable).

Profiles: ${PROFILE_IDS.join(", ")}
Seams read from the environment: OPENWOP_TEST_EXPIRED_RUN_ID, OPENWOP_TEST_FORCE_EXPIRE_URL
({runId} placeholder), OPENWOP_TEST_FORCE_EXPIRE_METHOD (default POST), DATABASE_URL (for
process-level scenarios of a Postgres host).
`;
