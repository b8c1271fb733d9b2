import { parseArgs } from "node:util";
import { isProfileId, PROFILE_IDS, type ProfileId } from "../profiles/catalog.js";

export interface CliArguments {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly secondaryApiKey?: string;
  readonly lowScopeApiKey?: string;
  readonly profileFilter?: readonly ProfileId[];
  readonly filter?: string;
  readonly requireBehavior: boolean;
  readonly optOutProfiles: readonly string[];
  readonly jsonPath?: string;
  /** `--junit <file>`: the result document as a JUnit XML report. */
  readonly junitPath?: string;
  /** `--html <file>`: the result document as one self-contained HTML page. */
  readonly htmlPath?: string;
  readonly hostManifestPath?: string;
  /** `--webhook-private-urls`: the host accepts loopback webhook URLs (its development override is on). */
  readonly webhookPrivateUrls: boolean;
  readonly timeoutScale: number;
  /** The command line with every secret replaced, for the result document. */
  readonly command: string;
}

export type ParsedCli =
  | { readonly kind: "run"; readonly args: CliArguments }
  | { readonly kind: "help" }
  | { readonly kind: "list"; readonly json: boolean }
  | { readonly kind: "version" };

/** Bad arguments; the CLI prints the message with usage and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const SECRET_FLAGS = new Set(["--api-key", "--secondary-api-key", "--low-scope-api-key"]);

const OPTIONS = {
  "base-url": { type: "string" },
  "api-key": { type: "string" },
  "secondary-api-key": { type: "string" },
  "low-scope-api-key": { type: "string" },
  profile: { type: "string", multiple: true },
  filter: { type: "string" },
  "require-behavior": { type: "boolean" },
  "opt-out-profiles": { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
  html: { type: "string" },
  "host-manifest": { type: "string" },
  "webhook-private-urls": { type: "boolean" },
  "timeout-scale": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/**
 * Parses argv strictly: an unknown flag is an error (exit 2), never silently ignored, so a
 * typo in `--require-behavior` cannot quietly weaken a run. Flags win over the
 * `OPENWOP_BASE_URL` / `OPENWOP_API_KEY` fallbacks.
 */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCli {
  // `--list --json` prints the registry as JSON: there `--json` takes no file, so it is read
  // as a switch before the strict parse, which would otherwise demand a value.
  const listing = argv.includes("--list") && !argv.includes("--help") && !argv.includes("-h");
  if (listing) {
    const rest = argv.filter((word) => word !== "--list" && word !== "--json");
    if (rest.length > 0) throw new UsageError(`--list takes only --json, got ${rest.join(" ")}`);
    return { kind: "list", json: argv.includes("--json") };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };

  const baseUrl = values["base-url"] ?? env.OPENWOP_BASE_URL;
  const apiKey = values["api-key"] ?? env.OPENWOP_API_KEY;
  if (baseUrl === undefined || baseUrl.length === 0)
    throw new UsageError("--base-url (or OPENWOP_BASE_URL) is required");
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got ${baseUrl}`);
  if (apiKey === undefined || apiKey.length === 0) throw new UsageError("--api-key (or OPENWOP_API_KEY) is required");

  const profiles = (values.profile ?? []).flatMap(list);
  const unknownProfile = profiles.find((profile) => !isProfileId(profile));
  if (unknownProfile !== undefined)
    throw new UsageError(`unknown profile ${unknownProfile}; known: ${PROFILE_IDS.join(", ")}`);
  const optOutProfiles = list(values["opt-out-profiles"]);
  const unknownOptOut = optOutProfiles.find((profile) => !isProfileId(profile));
  if (unknownOptOut !== undefined) throw new UsageError(`unknown profile in --opt-out-profiles: ${unknownOptOut}`);

  const scaleText = values["timeout-scale"] ?? "1";
  const timeoutScale = Number(scaleText);
  if (!Number.isFinite(timeoutScale) || timeoutScale <= 0)
    throw new UsageError(`--timeout-scale must be a positive number, got ${scaleText}`);

  return {
    kind: "run",
    args: {
      baseUrl,
      apiKey,
      ...(values["secondary-api-key"] === undefined ? {} : { secondaryApiKey: values["secondary-api-key"] }),
      ...(values["low-scope-api-key"] === undefined ? {} : { lowScopeApiKey: values["low-scope-api-key"] }),
      ...(profiles.length === 0 ? {} : { profileFilter: profiles.filter(isProfileId) }),
      ...(values.filter === undefined ? {} : { filter: values.filter }),
      requireBehavior: values["require-behavior"] === true,
      optOutProfiles,
      ...(values.json === undefined ? {} : { jsonPath: values.json }),
      ...(values.junit === undefined ? {} : { junitPath: values.junit }),
      ...(values.html === undefined ? {} : { htmlPath: values.html }),
      ...(values["host-manifest"] === undefined ? {} : { hostManifestPath: values["host-manifest"] }),
      webhookPrivateUrls: values["webhook-private-urls"] === true,
      timeoutScale,
      command: redactedCommand(argv, values["base-url"] === undefined ? baseUrl : undefined),
    },
  };
}

/** `openwop-conformance …` as typed, with key values replaced; names an env-supplied base URL. */
export function redactedCommand(argv: readonly string[], baseUrlFromEnv?: string): string {
  const words = ["openwop-conformance"];
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] as string;
    const [flag, inline] = word.split("=", 2) as [string, string | undefined];
    if (SECRET_FLAGS.has(flag)) {
      words.push(inline === undefined ? flag : `${flag}=<redacted>`);
      if (inline === undefined && index + 1 < argv.length) {
        words.push("<redacted>");
        index += 1;
      }
    } else {
      words.push(/[\s"'$`\\]/.test(word) ? JSON.stringify(word) : word);
    }
  }
  if (baseUrlFromEnv !== undefined) words.push(`(OPENWOP_BASE_URL=${baseUrlFromEnv})`);
  return words.join(" ");
}
