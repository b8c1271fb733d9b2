import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

/** Asymmetric algorithms the issuer can sign with. */
export type OidcIssuerAlgorithm = "ES256" | "ES384" | "RS256" | "PS256" | "EdDSA";

export interface OidcIssuerOptions {
  /** The algorithm of the signing keys. Default ES256. */
  alg?: OidcIssuerAlgorithm;
  /** The audience tokens name unless told otherwise. Default "openwop". */
  audience?: string;
  /** The port to listen on (on 127.0.0.1). Default an ephemeral one. */
  port?: number;
}

export interface OidcSignOptions {
  /**
   * The header's `alg`. Default the signing key's. `"none"` builds an unsigned token by hand
   * (`{"alg":"none"}` header, payload, empty signature); an `HS*` value signs with `secret`.
   * Any other value must be the signing key's algorithm.
   */
  alg?: string;
  /** The header's `kid`. Default the signing key's (for `alg: none`, none). */
  kid?: string;
  /** The HMAC secret for an `HS*` alg: what an attacker guesses. Default "secret". */
  secret?: string;
  /** `unpublished` signs with a key pair the JWKS never lists (its own kid unless `kid` is given). */
  key?: "current" | "unpublished";
  /** `exp`, in seconds from now (negative: already expired); null leaves it out. Default 300. */
  expiresIn?: number | null;
  /** `nbf`, in seconds from now. Default none. */
  notBefore?: number;
  /** `iat`, in seconds from now. Default 0. */
  issuedAt?: number;
  /** `iss`; null leaves it out. Default the issuer's URL. */
  issuer?: string | null;
  /** `aud`; null leaves it out. Default the issuer's audience. */
  audience?: string | string[] | null;
}

/** A local OpenID Connect issuer: discovery, a JWKS, and tokens signed on demand. */
export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`, as tokens' `iss` and the discovery document name it. */
  readonly issuer: string;
  readonly audience: string;
  /** The kid of the current signing key. */
  readonly kid: string;
  /** How many times each document was served (to check caching and refetching). */
  readonly requests: { readonly discovery: number; readonly jwks: number };
  /** A compact JWT: `claims`, then `iss`, `aud`, `iat`, `exp`, `nbf` as `options` say. */
  sign(claims: JWTPayload, options?: OidcSignOptions): Promise<string>;
  /** A new signing key with a new kid; the JWKS lists only it from now on. */
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(alg: OidcIssuerAlgorithm, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, privateKey, publicJwk };
}

const base64urlJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Starts an issuer on 127.0.0.1 serving `/.well-known/openid-configuration` and `/jwks.json`. */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const alg = options.alg ?? "ES256";
  const audience = options.audience ?? "openwop";
  let generation = 1;
  let current = await newSigningKey(alg, `key-${generation}-${randomUUID().slice(0, 8)}`);
  const unpublished = await newSigningKey(alg, `unpublished-${randomUUID().slice(0, 8)}`);
  const requests = { discovery: 0, jwks: 0 };
  let issuer = "";

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return send(405, { error: "method not allowed" });
    if (req.url === "/.well-known/openid-configuration") {
      requests.discovery += 1;
      return send(200, {
        issuer,
        jwks_uri: `${issuer}/jwks.json`,
        id_token_signing_alg_values_supported: [alg],
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
      });
    }
    if (req.url === "/jwks.json") {
      requests.jwks += 1;
      return send(200, { keys: [current.publicJwk] });
    }
    send(404, { error: "not found" });
  });
  server.listen(options.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = async (claims: JWTPayload, signOptions: OidcSignOptions = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = { ...claims, iat: now + (signOptions.issuedAt ?? 0) };
    const iss = signOptions.issuer === undefined ? issuer : signOptions.issuer;
    if (iss !== null) payload.iss = iss;
    const aud = signOptions.audience === undefined ? audience : signOptions.audience;
    if (aud !== null) payload.aud = aud;
    const expiresIn = signOptions.expiresIn === undefined ? 300 : signOptions.expiresIn;
    if (expiresIn !== null) payload.exp = now + expiresIn;
    if (signOptions.notBefore !== undefined) payload.nbf = now + signOptions.notBefore;

    const headerAlg = signOptions.alg ?? alg;
    if (headerAlg.toLowerCase() === "none") {
      const header =
        signOptions.kid === undefined
          ? { alg: headerAlg, typ: "JWT" }
          : { alg: headerAlg, typ: "JWT", kid: signOptions.kid };
      return `${base64urlJson(header)}.${base64urlJson(payload)}.`;
    }
    const key = signOptions.key === "unpublished" ? unpublished : current;
    const header = { alg: headerAlg, typ: "JWT", kid: signOptions.kid ?? key.kid };
    const jwt = new SignJWT(payload).setProtectedHeader(header);
    if (/^HS\d+$/.test(headerAlg)) return jwt.sign(new TextEncoder().encode(signOptions.secret ?? "secret"));
    if (headerAlg !== alg) throw new Error(`this issuer signs with ${alg}, not ${headerAlg}`);
    return jwt.sign(key.privateKey);
  };

  return {
    issuer,
    audience,
    get kid() {
      return current.kid;
    },
    get requests() {
      return { ...requests };
    },
    sign,
    rotateKeys: async () => {
      generation += 1;
      current = await newSigningKey(alg, `key-${generation}-${randomUUID().slice(0, 8)}`);
    },
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
