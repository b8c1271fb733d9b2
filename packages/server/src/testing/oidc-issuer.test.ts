import { once } from "node:events";
import { createServer } from "node:net";
import { OidcTokenVerifier, type OidcTokenVerifierOptions } from "@openwop/core";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { startOidcIssuer, type OidcIssuer } from "./oidc-issuer.js";

const TENANT_CLAIM = "https://openwop.dev/tenant";
const CLAIMS = { sub: "user-7", [TENANT_CLAIM]: "tenant-a", scope: "runs:read runs:create" };

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  await once(probe, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const refused = (reason: string) => ({ name: "TokenRejectedError", reason });

describe("OidcTokenVerifier against a local issuer over HTTP", () => {
  let idp: OidcIssuer;
  const extraIssuers: OidcIssuer[] = [];

  beforeAll(async () => {
    idp = await startOidcIssuer();
  });
  afterAll(async () => {
    await idp.close();
  });
  afterEach(async () => {
    await Promise.all(extraIssuers.splice(0).map((issuer) => issuer.close()));
  });

  const verifierFor = (issuer: OidcIssuer, options: Partial<OidcTokenVerifierOptions> = {}): OidcTokenVerifier =>
    new OidcTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      tenantClaim: TENANT_CLAIM,
      jwksCooldownMs: 0,
      ...options,
    });

  /** An issuer of its own, for tests that count its requests or rotate its keys. */
  const ownIssuer = async (options: Parameters<typeof startOidcIssuer>[0] = {}): Promise<OidcIssuer> => {
    const issuer = await startOidcIssuer(options);
    extraIssuers.push(issuer);
    return issuer;
  };

  it("accepts a valid token: tenant from the configured claim, scopes from `scope`, a live principal", async () => {
    const principal = await verifierFor(idp).verify(await idp.sign(CLAIMS));
    expect(principal).toEqual({
      tenantId: "tenant-a",
      scopes: new Set(["runs:read", "runs:create"]),
      kind: "live",
      keyId: null,
      label: "jwt:user-7",
    });
  });

  it("takes scopes from `scp`, as an array or a space-separated string, and labels a subject-less token", async () => {
    const verifier = verifierFor(idp);
    const fromArray = await verifier.verify(
      await idp.sign({ [TENANT_CLAIM]: "tenant-b", scp: ["runs:read", "approvals:respond", 7] }),
    );
    expect(fromArray?.tenantId).toBe("tenant-b");
    expect(fromArray?.scopes).toEqual(new Set(["runs:read", "approvals:respond"]));
    expect(fromArray?.label).toBe("jwt:unknown");
    const fromString = await verifier.verify(
      await idp.sign({ ...CLAIMS, scope: undefined, scp: "runs:cancel  keys:manage" }),
    );
    expect(fromString?.scopes).toEqual(new Set(["runs:cancel", "keys:manage"]));
    const none = await verifier.verify(await idp.sign({ ...CLAIMS, scope: undefined }));
    expect(none?.scopes).toEqual(new Set());
  });

  it("accepts an RS256 issuer with the default algorithm list", async () => {
    const rsa = await ownIssuer({ alg: "RS256" });
    const principal = await verifierFor(rsa).verify(await rsa.sign(CLAIMS));
    expect(principal?.tenantId).toBe("tenant-a");
  });

  it("returns null, without asking the issuer, for strings that are not JWTs", async () => {
    const issuer = await ownIssuer();
    const verifier = verifierFor(issuer);
    const notJwts = [
      "hk_live_3q8V6cAbCdEfGhIjKlMnOpQrStUvWxYz0123",
      "hk_test_abc.def.ghi",
      "operator-chosen-key",
      `${Buffer.from('{"typ":"JWT"}').toString("base64url")}.e30.sig`, // header without alg
      `${Buffer.from("not json").toString("base64url")}.e30.sig`,
      "eyJhbGciOiJFUzI1NiJ9.e30", // two segments
      "eyJhbGciOiJFUzI1NiJ9.e30.s+g", // not base64url
      "",
    ];
    for (const candidate of notJwts) expect(await verifier.verify(candidate), candidate).toBeNull();
    expect(issuer.requests).toEqual({ discovery: 0, jwks: 0 });
  });

  it("rejects an expired token, unless within the configured clock tolerance", async () => {
    const token = await idp.sign(CLAIMS, { expiresIn: -30 });
    await expect(verifierFor(idp).verify(token)).rejects.toMatchObject(refused("expired"));
    const lenient = await verifierFor(idp, { clockToleranceSeconds: 120 }).verify(token);
    expect(lenient?.tenantId).toBe("tenant-a");
  });

  it("rejects a token that is not yet valid (`nbf` or `iat` in the future)", async () => {
    const verifier = verifierFor(idp);
    await expect(verifier.verify(await idp.sign(CLAIMS, { notBefore: 60 }))).rejects.toMatchObject(
      refused("not yet valid"),
    );
    await expect(verifier.verify(await idp.sign(CLAIMS, { issuedAt: 60 }))).rejects.toMatchObject(
      refused("not yet valid"),
    );
    const lenient = verifierFor(idp, { clockToleranceSeconds: 120 });
    expect(await lenient.verify(await idp.sign(CLAIMS, { notBefore: 60, issuedAt: 60 }))).not.toBeNull();
  });

  it("rejects a token without `exp`", async () => {
    await expect(verifierFor(idp).verify(await idp.sign(CLAIMS, { expiresIn: null }))).rejects.toMatchObject(
      refused("no expiry"),
    );
  });

  it("rejects a token from another issuer, or without one", async () => {
    const verifier = verifierFor(idp);
    await expect(
      verifier.verify(await idp.sign(CLAIMS, { issuer: "https://elsewhere.example.com" })),
    ).rejects.toMatchObject(refused("wrong issuer"));
    await expect(verifier.verify(await idp.sign(CLAIMS, { issuer: null }))).rejects.toMatchObject(
      refused("wrong issuer"),
    );
  });

  it("rejects a token for another audience, and accepts one whose audience list names ours", async () => {
    const verifier = verifierFor(idp);
    await expect(verifier.verify(await idp.sign(CLAIMS, { audience: "someone-else" }))).rejects.toMatchObject(
      refused("wrong audience"),
    );
    await expect(verifier.verify(await idp.sign(CLAIMS, { audience: null }))).rejects.toMatchObject(
      refused("wrong audience"),
    );
    const listed = await verifier.verify(await idp.sign(CLAIMS, { audience: ["someone-else", idp.audience] }));
    expect(listed?.tenantId).toBe("tenant-a");
  });

  it("rejects a token signed by a key the JWKS does not list, after fetching the keys again", async () => {
    const issuer = await ownIssuer();
    const verifier = verifierFor(issuer);
    expect(await verifier.verify(await issuer.sign(CLAIMS))).not.toBeNull();
    expect(issuer.requests.jwks).toBe(1);
    await expect(verifier.verify(await issuer.sign(CLAIMS, { key: "unpublished" }))).rejects.toMatchObject(
      refused("unknown key"),
    );
    expect(issuer.requests.jwks).toBe(2);
  });

  it("within the cooldown, an unknown kid is refused without fetching the keys again", async () => {
    const issuer = await ownIssuer();
    const verifier = verifierFor(issuer, { jwksCooldownMs: 60_000 });
    expect(await verifier.verify(await issuer.sign(CLAIMS))).not.toBeNull();
    for (const kid of ["guess-1", "guess-2", "guess-3"]) {
      await expect(verifier.verify(await issuer.sign(CLAIMS, { key: "unpublished", kid }))).rejects.toMatchObject(
        refused("unknown key"),
      );
    }
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
  });

  it("rejects a token whose signature does not match its content", async () => {
    const [header, , signature] = (await idp.sign(CLAIMS)).split(".");
    const forged = Buffer.from(
      JSON.stringify({
        ...CLAIMS,
        [TENANT_CLAIM]: "tenant-b",
        aud: idp.audience,
        iss: idp.issuer,
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
    ).toString("base64url");
    await expect(verifierFor(idp).verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject(
      refused("bad signature"),
    );
  });

  it("rejects an unsigned token (`alg: none`), whatever its spelling, without asking the issuer", async () => {
    const issuer = await ownIssuer();
    const verifier = verifierFor(issuer);
    for (const alg of ["none", "None", "NONE"]) {
      const token = await issuer.sign(CLAIMS, { alg });
      expect(token.endsWith(".")).toBe(true);
      await expect(verifier.verify(token)).rejects.toMatchObject(refused("alg none"));
    }
    expect(issuer.requests).toEqual({ discovery: 0, jwks: 0 });
  });

  it("rejects HS256 signed with a guessed secret, the published key included", async () => {
    const verifier = verifierFor(idp);
    const jwks = await (await fetch(`${idp.issuer}/jwks.json`)).text();
    for (const secret of ["secret", jwks]) {
      await expect(verifier.verify(await idp.sign(CLAIMS, { alg: "HS256", secret }))).rejects.toMatchObject(
        refused("algorithm not allowed"),
      );
    }
  });

  it("rejects an algorithm outside the configured list", async () => {
    const verifier = verifierFor(idp, { algorithms: ["RS256"] });
    await expect(verifier.verify(await idp.sign(CLAIMS))).rejects.toMatchObject(refused("algorithm not allowed"));
  });

  it("refuses to be configured with `none` or an HMAC algorithm", () => {
    for (const algorithms of [["none"], ["ES256", "HS256"], []]) {
      expect(() => verifierFor(idp, { algorithms })).toThrow(TypeError);
    }
  });

  it("rejects a token without the tenant claim, or with a non-string one", async () => {
    const verifier = verifierFor(idp);
    await expect(verifier.verify(await idp.sign({ sub: "user-7", scope: "runs:read" }))).rejects.toMatchObject(
      refused("no tenant claim"),
    );
    for (const tenant of [42, "", ["tenant-a"], null]) {
      await expect(verifier.verify(await idp.sign({ ...CLAIMS, [TENANT_CLAIM]: tenant }))).rejects.toMatchObject(
        refused("no tenant claim"),
      );
    }
  });

  it("after a key rotation, refetches on the new kid, and then refuses the old key", async () => {
    const issuer = await ownIssuer();
    const verifier = verifierFor(issuer);
    const oldToken = await issuer.sign(CLAIMS);
    expect(await verifier.verify(oldToken)).not.toBeNull();
    const oldKid = issuer.kid;
    await issuer.rotateKeys();
    expect(issuer.kid).not.toBe(oldKid);
    const newToken = await issuer.sign({ ...CLAIMS, sub: "after-rotation" });
    expect((await verifier.verify(newToken))?.label).toBe("jwt:after-rotation");
    expect(issuer.requests.jwks).toBe(2);
    await expect(verifier.verify(oldToken)).rejects.toMatchObject(refused("unknown key"));
  });

  it("discovers once and keeps the keys cached across tokens", async () => {
    const issuer = await ownIssuer();
    const verifier = verifierFor(issuer);
    const tokens = await Promise.all([1, 2, 3, 4].map((n) => issuer.sign({ ...CLAIMS, sub: `user-${n}` })));
    await Promise.all(tokens.map((token) => verifier.verify(token)));
    for (const token of tokens) expect(await verifier.verify(token)).not.toBeNull();
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
  });

  it("uses the fetch it is given, for discovery and for the keys", async () => {
    const seen: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const issuer = await ownIssuer();
    expect(await verifierFor(issuer, { fetch: recordingFetch }).verify(await issuer.sign(CLAIMS))).not.toBeNull();
    expect(seen).toEqual([`${issuer.issuer}/.well-known/openid-configuration`, `${issuer.issuer}/jwks.json`]);
  });

  it("says `issuer unreachable` while the issuer is down, and works once it is up", async () => {
    const port = await freePort();
    const verifier = new OidcTokenVerifier({
      issuer: `http://127.0.0.1:${port}`,
      audience: "openwop",
      tenantClaim: TENANT_CLAIM,
    });
    const early = await startOidcIssuer(); // only to have a well-formed token; another issuer's key
    extraIssuers.push(early);
    const token = await early.sign(CLAIMS);
    const attempts = await Promise.allSettled([verifier.verify(token), verifier.verify(token)]);
    for (const attempt of attempts) {
      expect(attempt.status).toBe("rejected");
      expect((attempt as PromiseRejectedResult).reason).toMatchObject(refused("issuer unreachable"));
    }
    const issuer = await ownIssuer({ port });
    expect(issuer.issuer).toBe(`http://127.0.0.1:${port}`);
    const principal = await verifier.verify(await issuer.sign(CLAIMS));
    expect(principal?.tenantId).toBe("tenant-a");
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
  });

  it("says `issuer unreachable` when the keys cannot be fetched again after discovery", async () => {
    const issuer = await startOidcIssuer();
    const verifier = verifierFor(issuer);
    expect(await verifier.verify(await issuer.sign(CLAIMS))).not.toBeNull();
    const unknownKey = await issuer.sign(CLAIMS, { key: "unpublished" });
    await issuer.close();
    await expect(verifier.verify(unknownKey)).rejects.toMatchObject(refused("issuer unreachable"));
  });

  it("refuses a discovery document that names another issuer", async () => {
    const issuer = await ownIssuer();
    const verifier = new OidcTokenVerifier({
      issuer: `${issuer.issuer}/`,
      audience: issuer.audience,
      tenantClaim: TENANT_CLAIM,
    });
    await expect(verifier.verify(await issuer.sign(CLAIMS, { issuer: `${issuer.issuer}/` }))).rejects.toMatchObject(
      refused("issuer discovery invalid"),
    );
  });

  it("never puts the token in what it throws", async () => {
    const token = await idp.sign(CLAIMS, { expiresIn: -30 });
    const error = await verifierFor(idp)
      .verify(token)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject(refused("expired"));
    const [, payload, signature] = token.split(".");
    const rendered = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ""}`;
    expect(rendered).not.toContain(payload);
    expect(rendered).not.toContain(signature);
    expect((error as { cause?: unknown }).cause).toBeUndefined();
  });
});
