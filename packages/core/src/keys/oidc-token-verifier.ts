import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  jwtVerify,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import type { Principal } from "./principal.js";
import { TokenRejectedError, type TokenVerifier } from "./token-verifier.js";

/** Asymmetric signature algorithms accepted unless configured otherwise (never `none`, never HMAC). */
export const DEFAULT_OIDC_ALGORITHMS: readonly string[] = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** How long one HTTP request to the issuer (discovery or keys) may take. */
const HTTP_TIMEOUT_MS = 5_000;
/** After a successful key fetch, how long an unknown `kid` waits before it may cause another. */
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

export interface OidcTokenVerifierOptions {
  /** The issuer identifier, exactly as the tokens' `iss` and the discovery document's `issuer` spell it. */
  issuer: string;
  /** The audience a token must name in `aud`. */
  audience: string;
  /** The claim holding the tenant id (a non-empty string). */
  tenantClaim: string;
  /** The fetch used for discovery and for the key set; the global one by default. */
  fetch?: typeof fetch;
  /** Leeway for `exp`, `nbf` and `iat` against this host's clock. Default 0. */
  clockToleranceSeconds?: number;
  /** Signature algorithms accepted. Default `DEFAULT_OIDC_ALGORITHMS`; `none` and HMAC are refused. */
  algorithms?: readonly string[];
  /**
   * After a successful key fetch, how long a token naming an unknown `kid` is refused without
   * fetching the keys again (so random key ids cannot make the host hammer the issuer).
   * Default 30 000.
   */
  jwksCooldownMs?: number;
}

/** A failure to reach the issuer, raised by the fetch handed to jose so it is told apart from bugs. */
class IssuerUnreachable extends Error {
  override readonly name = "IssuerUnreachable";
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Verifies JWT bearer tokens from one OpenID Connect issuer (auth.md §11): finds the signing
 * keys through the issuer's discovery document (fetched once, lazily; a failed discovery is
 * tried again on the next token), keeps them cached and refetches them when a token names an
 * unknown key id. Signature and claim checks are jose's; this class only maps the outcome.
 *
 * Resolves to null for a string that is not a JWT at all (an API key), so the caller tries
 * it as a key. Never logs the token and never puts it, or any of its claims but the tenant,
 * scopes and subject, in what it returns or throws.
 */
export class OidcTokenVerifier implements TokenVerifier {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly tenantClaim: string;
  private readonly fetchImpl: typeof fetch;
  private readonly clockToleranceSeconds: number;
  private readonly algorithms: readonly string[];
  private readonly jwksCooldownMs: number;
  private keySet: Promise<JWTVerifyGetKey> | null = null;

  constructor(options: OidcTokenVerifierOptions) {
    let issuerUrl: URL;
    try {
      issuerUrl = new URL(options.issuer);
    } catch {
      throw new TypeError(`OIDC issuer is not a URL: ${options.issuer}`);
    }
    if (issuerUrl.protocol !== "https:" && issuerUrl.protocol !== "http:") {
      throw new TypeError(`OIDC issuer must be an http(s) URL: ${options.issuer}`);
    }
    if (options.audience === "") throw new TypeError("OIDC audience must not be empty");
    if (options.tenantClaim === "") throw new TypeError("OIDC tenant claim must not be empty");
    const tolerance = options.clockToleranceSeconds ?? 0;
    if (!Number.isFinite(tolerance) || tolerance < 0) {
      throw new TypeError("clockToleranceSeconds must be a finite number >= 0");
    }
    const cooldown = options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
    if (!Number.isFinite(cooldown) || cooldown < 0) throw new TypeError("jwksCooldownMs must be a finite number >= 0");
    const algorithms = [...(options.algorithms ?? DEFAULT_OIDC_ALGORITHMS)];
    if (algorithms.length === 0) throw new TypeError("at least one signature algorithm must be accepted");
    for (const alg of algorithms) {
      if (alg.toLowerCase() === "none" || /^HS\d+$/i.test(alg)) {
        throw new TypeError(`signature algorithm ${alg} cannot be used with an issuer's published keys`);
      }
    }
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.tenantClaim = options.tenantClaim;
    // Called unbound; the global one is looked up per request, not captured at construction.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.clockToleranceSeconds = tolerance;
    this.algorithms = algorithms;
    this.jwksCooldownMs = cooldown;
  }

  async verify(token: string): Promise<Principal | null> {
    const alg = jwtAlgorithm(token);
    if (alg === null) return null;
    if (alg.toLowerCase() === "none") throw new TokenRejectedError("alg none");
    if (!this.algorithms.includes(alg)) throw new TokenRejectedError("algorithm not allowed");

    const keys = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: [...this.algorithms],
        clockTolerance: this.clockToleranceSeconds,
        requiredClaims: ["exp"],
      }));
    } catch (error) {
      const reason = rejectionReason(error);
      if (reason === null) throw error;
      throw new TokenRejectedError(reason);
    }
    // jose checks `iat` only against a maximum token age; one from the future is refused here.
    if (typeof payload.iat === "number" && payload.iat > Math.floor(Date.now() / 1000) + this.clockToleranceSeconds) {
      throw new TokenRejectedError("not yet valid");
    }
    const tenantId = payload[this.tenantClaim];
    if (typeof tenantId !== "string" || tenantId === "") throw new TokenRejectedError("no tenant claim");
    const subject = typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : "unknown";
    return { tenantId, scopes: scopesOf(payload), kind: "live", keyId: null, label: `jwt:${subject}` };
  }

  /** The key resolver, after discovery; a discovery that fails is forgotten so the next token retries it. */
  private keys(): Promise<JWTVerifyGetKey> {
    if (this.keySet === null) {
      const attempt = this.discover();
      this.keySet = attempt;
      attempt.catch(() => {
        if (this.keySet === attempt) this.keySet = null;
      });
    }
    return this.keySet;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await this.fetchImpl(url, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new TokenRejectedError("issuer unreachable");
      }
      document = await response.json().catch(() => {
        throw new TokenRejectedError("issuer discovery invalid");
      });
    } catch (error) {
      if (error instanceof TokenRejectedError) throw error;
      throw new TokenRejectedError("issuer unreachable");
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
      throw new TokenRejectedError("issuer discovery invalid");
    }
    const { issuer, jwks_uri: jwksUri } = document as Record<string, unknown>;
    // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
    if (issuer !== this.issuer || typeof jwksUri !== "string") throw new TokenRejectedError("issuer discovery invalid");
    let jwksUrl: URL;
    try {
      jwksUrl = new URL(jwksUri);
    } catch {
      throw new TokenRejectedError("issuer discovery invalid");
    }
    if (jwksUrl.protocol !== "https:" && jwksUrl.protocol !== "http:") {
      throw new TokenRejectedError("issuer discovery invalid");
    }
    const fetchKeys: FetchImplementation = (resource, init) =>
      this.fetchImpl(resource, init).catch((cause: unknown) => {
        throw new IssuerUnreachable("the issuer's key set could not be fetched", { cause });
      });
    return createRemoteJWKSet(jwksUrl, {
      timeoutDuration: HTTP_TIMEOUT_MS,
      cooldownDuration: this.jwksCooldownMs,
      [customFetch]: fetchKeys,
    });
  }
}

/** The header's `alg` if `token` has the shape of a JWS in compact form, else null (not a JWT). */
function jwtAlgorithm(token: string): string | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] === "" || !parts.every((part) => BASE64URL.test(part))) return null;
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return null;
  }
  return typeof header.alg === "string" ? header.alg : null;
}

/** A short, token-free reason for a refusal jose raised, or null for an error that is not a refusal. */
function rejectionReason(error: unknown): string | null {
  if (error instanceof IssuerUnreachable) return "issuer unreachable";
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const claim = (error as { claim?: unknown }).claim;
      if (claim === "iss") return "wrong issuer";
      if (claim === "aud") return "wrong audience";
      if (claim === "nbf" || claim === "iat") return "not yet valid";
      if (claim === "exp") return "no expiry";
      return "invalid claims";
    }
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "unknown key";
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return "ambiguous key";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "bad signature";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "algorithm not allowed";
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JOSE_GENERIC":
      return "issuer unreachable";
    case "ERR_JWKS_INVALID":
    case "ERR_JWK_INVALID":
    case "ERR_JOSE_NOT_SUPPORTED":
      return "issuer keys unusable";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "malformed token";
    default:
      return null;
  }
}

/** Scopes from `scope` (space-separated) or, failing that, `scp` (an array, or a space-separated string). */
function scopesOf(payload: JWTPayload): ReadonlySet<string> {
  const raw = payload.scope !== undefined ? payload.scope : payload.scp;
  const words =
    typeof raw === "string"
      ? raw.split(/\s+/)
      : Array.isArray(raw)
        ? raw.filter((item): item is string => typeof item === "string")
        : [];
  return new Set(words.filter((word) => word !== ""));
}
