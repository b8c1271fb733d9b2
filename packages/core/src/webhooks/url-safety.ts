import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { embeddedIPv4Of, isRefusedAddress } from "./address-ranges.js";

/** Why a webhook URL, or the addresses its name resolved to, were refused. */
export type WebhookUrlRejection =
  | "malformed"
  | "not_https"
  | "userinfo"
  | "forbidden_name"
  | "private_address"
  | "unresolvable";

/**
 * A webhook URL refused by webhooks.md §4. The message never repeats the URL (it may carry
 * credentials); `reason` is the machine-readable part, for an answer's `details`.
 */
export class WebhookUrlRejectedError extends Error {
  override readonly name = "WebhookUrlRejectedError";
  readonly reason: WebhookUrlRejection;
  /** The refused address, for `private_address`. */
  readonly address: string | undefined;

  constructor(reason: WebhookUrlRejection, message: string, address?: string) {
    super(message);
    this.reason = reason;
    this.address = address;
  }
}

/** The development override of webhooks.md §4.3: private addresses, loopback and plain `http`. */
export interface WebhookUrlPolicy {
  readonly allowPrivate: boolean;
}

/** One address of a validated host. */
export interface WebhookAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses, like `dns.promises.lookup(name, {all: true})`. */
export type WebhookLookup = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/** Names that reach the host itself or a cloud's metadata service, whatever they resolve to. */
const METADATA_NAMES = new Set(["metadata", "metadata.google.internal", "169.254.169.254"]);

/** `scheme://` then a non-empty authority: refuses `https:host` and `https:///host`, which parsers repair. */
const ABSOLUTE_WITH_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/[^/\\?#]/i;

/**
 * The synchronous checks of webhooks.md §4.1: an absolute `https` URL (plain `http` only under
 * `allowPrivate`), without user information, not naming `localhost` (or a name under it),
 * `metadata`, `metadata.google.internal` or `169.254.169.254` in any case or with a trailing
 * dot, and, when the host is an IP literal, not one in a refused range. Under `allowPrivate`
 * `localhost` and private literals pass; the metadata names never do.
 *
 * Names are judged after WHATWG parsing, so `0xa9fea9fe`, `127.1`, percent-encoded and
 * full-width spellings are caught as what they mean. Returns the parsed URL.
 */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): URL {
  if (typeof raw !== "string" || raw !== raw.trim() || !ABSOLUTE_WITH_AUTHORITY.test(raw)) {
    throw new WebhookUrlRejectedError("malformed", "the webhook URL must be an absolute URL with a host");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRejectedError("malformed", "the webhook URL is not a well-formed URL");
  }
  checkParsedUrl(url, raw, policy);
  return url;
}

function checkParsedUrl(url: URL, raw: string, policy: WebhookUrlPolicy): void {
  if (url.protocol !== "https:" && !(policy.allowPrivate && url.protocol === "http:")) {
    throw new WebhookUrlRejectedError(
      "not_https",
      policy.allowPrivate ? "the webhook URL must use https or http" : "the webhook URL must use https",
    );
  }
  // `https://@host` and `https://:@host` parse to empty credentials: look at the text too.
  if (url.username !== "" || url.password !== "" || authorityOf(raw).includes("@")) {
    throw new WebhookUrlRejectedError("userinfo", "the webhook URL must not carry user information");
  }
  const host = hostOf(url);
  if (host === "") throw new WebhookUrlRejectedError("malformed", "the webhook URL has no host");
  const name = host.replace(/\.+$/, "");
  // `[::ffff:a9fe:a9fe]` and the other IPv4-carrying IPv6 forms reach 169.254.169.254 too.
  if (METADATA_NAMES.has(name) || METADATA_NAMES.has(embeddedIPv4Of(host) ?? "")) {
    throw new WebhookUrlRejectedError("forbidden_name", "the webhook URL names a metadata service");
  }
  if (!policy.allowPrivate && (name === "localhost" || name.endsWith(".localhost"))) {
    throw new WebhookUrlRejectedError("forbidden_name", "the webhook URL names localhost");
  }
  if (!policy.allowPrivate && isIP(host) !== 0 && isRefusedAddress(host)) {
    throw new WebhookUrlRejectedError(
      "private_address",
      "the webhook URL names a loopback, private, link-local or otherwise internal address",
      host,
    );
  }
}

/** The text between `://` and the first `/`, `\`, `?` or `#`: where user information would be. */
function authorityOf(raw: string): string {
  const start = raw.indexOf("://") + 3;
  const rest = raw.slice(start);
  const end = rest.search(/[/\\?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** The host as a resolver or a socket wants it: lower case, IPv6 without brackets. */
export function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

const defaultLookup: WebhookLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host (webhooks.md §4.2) to all its IPv4 and IPv6 addresses and refuses
 * the lot when any one of them is in a refused range, so that a name cannot pass by answering
 * a public address next to a private one. An IP literal is its own answer. The URL's
 * synchronous checks are made again first. Returns the validated addresses, in the resolver's
 * order, without repeats; connect only to one of them.
 */
export async function resolveWebhookAddresses(
  url: URL | string,
  policy: WebhookUrlPolicy,
  lookup: WebhookLookup = defaultLookup,
): Promise<WebhookAddress[]> {
  const parsed = typeof url === "string" ? checkWebhookUrl(url, policy) : url;
  if (typeof url !== "string") checkParsedUrl(parsed, parsed.href, policy);
  const host = hostOf(parsed);

  let answers: readonly { address: string; family: number }[];
  const literalFamily = isIP(host);
  if (literalFamily !== 0) {
    answers = [{ address: host, family: literalFamily }];
  } else {
    try {
      answers = await lookup(host);
    } catch {
      throw new WebhookUrlRejectedError("unresolvable", "the webhook host name did not resolve");
    }
  }
  if (!Array.isArray(answers) || answers.length === 0) {
    throw new WebhookUrlRejectedError("unresolvable", "the webhook host name resolved to no address");
  }

  const seen = new Set<string>();
  const validated: WebhookAddress[] = [];
  for (const answer of answers) {
    const address = String(answer.address);
    const family = isIP(address);
    if (family === 0) throw new WebhookUrlRejectedError("unresolvable", "the resolver answered a malformed address");
    if (!policy.allowPrivate && isRefusedAddress(address)) {
      throw new WebhookUrlRejectedError(
        "private_address",
        "the webhook host resolves to a loopback, private, link-local or otherwise internal address",
        address,
      );
    }
    if (seen.has(address)) continue;
    seen.add(address);
    validated.push({ address, family: family as 4 | 6 });
  }
  return validated;
}
