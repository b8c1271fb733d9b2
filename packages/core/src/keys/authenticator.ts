import { timingSafeEqual } from "node:crypto";
import type { ApiKeyRecord, KeyStore } from "@openwop/storage";
import { CredentialRefused } from "./credential-refused.js";
import { hashApiKey, prefixOf } from "./key-material.js";
import type { Principal } from "./principal.js";
import { TokenRejectedError, type TokenVerifier } from "./token-verifier.js";

/** How often the key-state version is read: well inside the 1 s propagation bound we advertise. */
const VERSION_CHECK_MS = 250;
/** How often coalesced key use is written. */
const USE_FLUSH_MS = 5_000;
/** A key's use is recorded again only once it is this much newer than the last recorded one. */
const USE_RESOLUTION_MS = 1_000;
/** Cached lookups (hits and misses) before the cache starts over; bounds memory under a flood of bad keys. */
const CACHE_LIMIT = 10_000;

/** A credential that authenticated: who is calling, and the key record when it was a key. */
export interface Authenticated {
  principal: Principal;
  key: ApiKeyRecord | null;
}

export interface AuthenticatorOptions {
  now: () => number;
  /** Accepts identity-provider tokens besides keys. */
  tokens?: TokenVerifier;
  onError?: (error: unknown, context: string) => void;
}

const refuse = (
  code: "unauthenticated" | "key_expired" | "key_revoked",
  message: string,
  reason: "missing" | "malformed" | "unknown" | "expired" | "revoked",
  key?: { prefix: string; tenantId: string | null },
) => new CredentialRefused(code, message, reason, key?.prefix ?? null, key?.tenantId ?? null);

/**
 * Resolves `Authorization: Bearer <credential>` to a principal. Keys are looked up by
 * digest and the digest compared in constant time. Lookups are cached, and the cache is
 * dropped whenever the storage's key-state version changes (read at most every 250 ms),
 * so a revocation or rotation made by any process holds here within that time; expiry is
 * decided from the stored instant on every request. Key use is coalesced in memory and
 * written every few seconds, never once per request.
 */
export class Authenticator {
  readonly #store: KeyStore;
  readonly #options: AuthenticatorOptions;
  readonly #cache = new Map<string, ApiKeyRecord | null>();
  #version: string | undefined;
  #versionCheckedAt = Number.NEGATIVE_INFINITY;
  #versionRead: Promise<void> | undefined;
  readonly #pendingUse = new Map<string, number>();
  readonly #recordedUse = new Map<string, number>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(store: KeyStore, options: AuthenticatorOptions) {
    this.#store = store;
    this.#options = options;
  }

  async authenticate(authorization: string | undefined): Promise<Authenticated> {
    if (authorization === undefined || authorization.trim() === "") {
      throw refuse("unauthenticated", "an Authorization: Bearer <key> header is required", "missing");
    }
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) throw refuse("unauthenticated", "the Authorization header must be Bearer <key>", "malformed");
    const credential = match[1] as string;
    const token = await this.#token(credential);
    if (token) return { principal: token, key: null };
    const presented = hashApiKey(credential);
    const key = await this.#lookup(presented);
    const shown = { prefix: prefixOf(credential), tenantId: key?.tenantId ?? null };
    if (!key || !timingSafeEqual(Buffer.from(key.keyHash, "hex"), Buffer.from(presented, "hex"))) {
      throw refuse("unauthenticated", "the API key is not valid", "unknown", shown);
    }
    if (key.revokedAt !== null) throw refuse("key_revoked", "the API key was revoked", "revoked", shown);
    const now = this.#options.now();
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) {
      throw refuse("key_expired", "the API key has expired", "expired", shown);
    }
    this.#noteUse(key.keyId, now);
    return {
      principal: {
        tenantId: key.tenantId,
        scopes: new Set(key.scopes),
        kind: key.kind,
        keyId: key.keyId,
        label: key.prefix,
      },
      key,
    };
  }

  /** Drops every cached key now: this process just changed one. */
  invalidate(): void {
    this.#cache.clear();
    this.#versionCheckedAt = Number.NEGATIVE_INFINITY;
  }

  /** Writes the key use noted since the last write. */
  async flushUse(): Promise<void> {
    if (this.#pendingUse.size === 0) return;
    const uses = [...this.#pendingUse].map(([keyId, at]) => ({ keyId, usedAt: new Date(at).toISOString() }));
    this.#pendingUse.clear();
    await this.#store.recordKeyUse(uses);
  }

  start(): void {
    this.#flushTimer ??= setInterval(() => {
      this.flushUse().catch((error: unknown) => this.#options.onError?.(error, "recording key use"));
    }, USE_FLUSH_MS);
    this.#flushTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#flushTimer);
    this.#flushTimer = undefined;
    await this.flushUse().catch((error: unknown) => this.#options.onError?.(error, "recording key use"));
  }

  async #token(credential: string): Promise<Principal | null> {
    const tokens = this.#options.tokens;
    if (!tokens) return null;
    try {
      return await tokens.verify(credential);
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error;
      const reason = error.reason === "expired" ? "expired" : "unknown";
      throw refuse("unauthenticated", "the bearer token is not valid", reason, { prefix: "jwt", tenantId: null });
    }
  }

  async #lookup(keyHash: string): Promise<ApiKeyRecord | null> {
    await this.#checkVersion();
    const cached = this.#cache.get(keyHash);
    if (cached !== undefined) return cached;
    const record = await this.#store.findApiKey(keyHash);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(keyHash, record);
    return record;
  }

  /** Drops the cache when another process changed a key; one read at a time, at most every 250 ms. */
  async #checkVersion(): Promise<void> {
    if (this.#options.now() - this.#versionCheckedAt < VERSION_CHECK_MS) return;
    this.#versionRead ??= (async () => {
      try {
        const version = await this.#store.keyStateVersion();
        if (version !== this.#version) this.#cache.clear();
        this.#version = version;
        this.#versionCheckedAt = this.#options.now();
      } finally {
        this.#versionRead = undefined;
      }
    })();
    await this.#versionRead;
  }

  #noteUse(keyId: string, now: number): void {
    const recorded = this.#recordedUse.get(keyId) ?? Number.NEGATIVE_INFINITY;
    if (now - recorded < USE_RESOLUTION_MS) return;
    if (this.#recordedUse.size >= CACHE_LIMIT) this.#recordedUse.clear();
    this.#recordedUse.set(keyId, now);
    this.#pendingUse.set(keyId, now);
  }
}
