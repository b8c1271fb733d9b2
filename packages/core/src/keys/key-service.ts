import type { ApiKeyCursor, ApiKeyRecord, AuthFailureCount, ConfiguredKeysSync, KeyStore } from "@openwop/storage";
import { validateCreateApiKeyRequest, validateRotateApiKeyRequest } from "@openwop/schema";
import type { ApiKeyKind, ApiKeyOrigin, ApiKeyStatus } from "@openwop/types";
import { notFound, ProtocolError, validationError } from "../errors.js";
import { requireInstant } from "../instant.js";
import { checkedBody } from "../validation.js";
import { AuthFailureLog, type AuthFailure } from "./auth-failures.js";
import { Authenticator, type Authenticated } from "./authenticator.js";
import { CredentialRefused } from "./credential-refused.js";
import { generateKeyMaterial, hashApiKey, newKeyId, prefixOf } from "./key-material.js";
import type { Principal } from "./principal.js";
import { isScope, SCOPES } from "./scopes.js";
import type { TokenVerifier } from "./token-verifier.js";

/** The rotation overlap a host allows (advertised in the `keys` discovery block). */
export interface GraceLimits {
  defaultGraceSeconds: number;
  maxGraceSeconds: number;
}

export const DEFAULT_GRACE_LIMITS: GraceLimits = { defaultGraceSeconds: 86_400, maxGraceSeconds: 2_592_000 };

/** How far back the failure summary reaches (auth.md §10.10). */
const FAILURE_WINDOW_MS = 7 * 86_400_000;

export interface KeyServiceOptions {
  now: () => number;
  grace?: GraceLimits;
  tokens?: TokenVerifier;
  onError?: (error: unknown, context: string) => void;
  /** Hears every refused credential (metrics, logs); the tenant's share is also stored. */
  onFailure?: (failure: AuthFailure) => void;
}

/** A key just issued: its stored record and the secret, which exists nowhere else. */
export interface IssuedKey {
  record: ApiKeyRecord;
  key: string;
}

/** A rotation: the successor as issued, and the end of the replaced key's grace. */
export interface RotatedKey extends IssuedKey {
  replaces: string;
  graceUntil: string;
}

/** One page of a tenant's keys and where the next one starts. */
export interface KeyPage {
  keys: ApiKeyRecord[];
  next: ApiKeyCursor | null;
}

/** What start-up did with the configured keys, for the host to say on standard error. */
export interface ConfiguredKeysReport {
  /** `kept`, `created` or `generated` (created with a secret made here); `revoked` when configured as revoked. */
  bootstrap: { key: string; record: ApiKeyRecord; outcome: "kept" | "created" | "generated" | "revoked" };
  /** Bootstrap and environment keys retired because the configuration no longer names them. */
  retired: ApiKeyRecord[];
  extras: ConfiguredKeysSync;
}

/** A key the host is configured with: the secret, and what it grants. */
export interface ConfiguredKey {
  key: string;
  tenantId: string;
  scopes: readonly string[];
  kind: ApiKeyKind;
  label: string;
}

/** A key's lifecycle status at `now` (auth.md §10.2). */
export function keyStatus(record: ApiKeyRecord, now: number): ApiKeyStatus {
  if (record.revokedAt !== null) return "revoked";
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now) return "expired";
  if (record.replacedBy !== null) return "grace";
  return "active";
}

/**
 * Key management (auth.md §10) over any storage: issuing, listing, reading, rotating and
 * revoking keys within a tenant, the configured keys at start-up, and the record of who
 * failed to authenticate. It owns the {@link Authenticator}, so that a change it makes is
 * seen by the next request at once, and by other processes through the key-state version.
 */
export class KeyService {
  readonly authenticator: Authenticator;
  readonly grace: GraceLimits;
  readonly #store: KeyStore;
  readonly #now: () => number;
  readonly #failures: AuthFailureLog;
  readonly #onFailure: ((failure: AuthFailure) => void) | undefined;

  constructor(store: KeyStore, options: KeyServiceOptions) {
    this.#store = store;
    this.#now = options.now;
    this.grace = options.grace ?? DEFAULT_GRACE_LIMITS;
    this.#onFailure = options.onFailure;
    this.authenticator = new Authenticator(store, {
      now: options.now,
      ...(options.tokens ? { tokens: options.tokens } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    this.#failures = new AuthFailureLog(store, options.now, options.onError);
  }

  start(): void {
    this.authenticator.start();
    this.#failures.start();
  }

  async stop(): Promise<void> {
    await this.authenticator.stop();
    await this.#failures.stop();
  }

  authenticate(authorization: string | undefined): Promise<Authenticated> {
    return this.authenticator.authenticate(authorization);
  }

  /** Counts a refused request: metrics and logs hear of it, and its tenant's share is stored. */
  noteFailure(failure: AuthFailure): void {
    this.#failures.note(failure);
    this.#onFailure?.(failure);
  }

  /** `POST /v1/keys`: a new key of the issuer's tenant, granting no more than the issuer holds. */
  async issue(issuer: Principal, body: unknown): Promise<IssuedKey> {
    const request = checkedBody(validateCreateApiKeyRequest, body, "request body", "scopes");
    const unknown = request.scopes.filter((scope) => !isScope(scope));
    if (unknown.length > 0) {
      throw validationError(`unknown scopes: ${unknown.join(", ")}`, { field: "scopes", supported: [...SCOPES] });
    }
    const kind = request.kind ?? issuer.kind;
    this.#mayGrant(issuer, request.scopes, kind);
    const now = this.#now();
    const expiresAt = request.expiresAt === undefined ? undefined : requireInstant(request.expiresAt, "expiresAt");
    if (expiresAt !== undefined && expiresAt <= now) {
      throw validationError("expiresAt must be in the future", { field: "expiresAt" });
    }
    const issued = this.#newKey({
      tenantId: issuer.tenantId,
      scopes: request.scopes,
      kind,
      label: request.label ?? "",
      origin: "api",
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
      replaces: null,
      now,
    });
    await this.#store.createApiKey(issued.record);
    this.authenticator.invalidate();
    return issued;
  }

  /** `GET /v1/keys`: newest first, `limit` at a time. */
  async list(tenantId: string, limit: number, after?: ApiKeyCursor): Promise<KeyPage> {
    // One more than asked tells whether another page exists, without a count query.
    const keys = await this.#store.listApiKeys(tenantId, { limit: limit + 1, ...(after ? { after } : {}) });
    const page = keys.slice(0, limit);
    const last = page.at(-1);
    return { keys: page, next: keys.length > limit && last ? { createdAt: last.createdAt, keyId: last.keyId } : null };
  }

  /** `GET /v1/keys/{keyId}`; another tenant's key is as missing as an unknown one. */
  async get(tenantId: string, keyId: string): Promise<ApiKeyRecord> {
    const key = await this.#store.getApiKey(tenantId, keyId);
    if (!key) throw notFound(`key ${keyId} does not exist`);
    return key;
  }

  /** `POST /v1/keys/{keyId}/rotate`: a successor at once, the old key until the grace ends. */
  async rotate(issuer: Principal, keyId: string, body: unknown): Promise<RotatedKey> {
    const request = checkedBody(
      validateRotateApiKeyRequest,
      body === undefined ? {} : body,
      "request body",
      "graceSeconds",
    );
    const graceSeconds = request.graceSeconds ?? this.grace.defaultGraceSeconds;
    if (graceSeconds > this.grace.maxGraceSeconds) {
      throw validationError(`graceSeconds must be at most ${this.grace.maxGraceSeconds}`, {
        field: "graceSeconds",
        max: this.grace.maxGraceSeconds,
      });
    }
    const old = await this.get(issuer.tenantId, keyId);
    this.#mayGrant(issuer, old.scopes, old.kind);
    const now = this.#now();
    const successor = this.#newKey({
      tenantId: old.tenantId,
      scopes: old.scopes,
      kind: old.kind,
      label: old.label,
      origin: "api",
      expiresAt: old.expiresAt,
      replaces: old.keyId,
      now,
    });
    const graceUntil = new Date(now + graceSeconds * 1000).toISOString();
    const outcome = await this.#store.rotateApiKey(
      issuer.tenantId,
      keyId,
      successor.record,
      graceUntil,
      new Date(now).toISOString(),
    );
    if ("refused" in outcome) {
      if (outcome.refused === "missing") throw notFound(`key ${keyId} does not exist`);
      throw new ProtocolError("key_not_active", `key ${keyId} cannot be rotated: it is ${outcome.refused}`, {
        reason: outcome.refused,
      });
    }
    this.authenticator.invalidate();
    return { ...successor, replaces: keyId, graceUntil };
  }

  /** `DELETE /v1/keys/{keyId}`: refused from now on; revoking twice keeps the first instant. */
  async revoke(tenantId: string, keyId: string): Promise<ApiKeyRecord> {
    const revoked = await this.#store.revokeApiKey(tenantId, keyId, new Date(this.#now()).toISOString());
    if (!revoked) throw notFound(`key ${keyId} does not exist`);
    this.authenticator.invalidate();
    return revoked;
  }

  /**
   * `GET /v1/keys/failures`: the tenant's stored failures since `since`, which is moved up to
   * 7 days ago when it asks for more; resolves to the instant used and the groups.
   */
  async failures(tenantId: string, since: number): Promise<{ since: string; failures: AuthFailureCount[] }> {
    const from = new Date(Math.max(since, this.#now() - FAILURE_WINDOW_MS)).toISOString();
    // Make this process's latest counts visible to the caller at once.
    await this.#failures.flush();
    return { since: from, failures: await this.#store.listAuthFailures(tenantId, from) };
  }

  /**
   * Reconciles the keys a host is configured with (auth.md §10.9): the bootstrap key (or a
   * generated one when none is configured) and the extra keys. Every other bootstrap or
   * environment key still valid is revoked, so a key taken out of the configuration stops
   * working, and only one bootstrap key is ever valid.
   */
  async configure(
    bootstrap: ConfiguredKey | undefined,
    extras: readonly ConfiguredKey[],
  ): Promise<ConfiguredKeysReport> {
    const now = this.#now();
    const at = new Date(now).toISOString();
    const chosen = bootstrap ?? this.#generated();
    const bootstrapRecord = this.#configuredRecord(chosen.key, chosen, "bootstrap", now);
    const sync = await this.#store.syncConfiguredKeys("bootstrap", [bootstrapRecord], at);
    const extrasSync = await this.#store.syncConfiguredKeys(
      "environment",
      extras.map((extra) => this.#configuredRecord(extra.key, extra, "environment", now)),
      at,
    );
    this.authenticator.invalidate();
    const stored = [...sync.kept, ...sync.created][0] ?? bootstrapRecord;
    const outcome =
      stored.revokedAt !== null ? "revoked" : sync.kept.length > 0 ? "kept" : bootstrap ? "created" : "generated";
    return { bootstrap: { key: chosen.key, record: stored, outcome }, retired: sync.revoked, extras: extrasSync };
  }

  #generated(): ConfiguredKey {
    const material = generateKeyMaterial("test");
    return { key: material.key, tenantId: "default", scopes: SCOPES, kind: "test", label: "bootstrap" };
  }

  #configuredRecord(key: string, grant: ConfiguredKey, origin: ApiKeyOrigin, now: number): ApiKeyRecord {
    return keyRecord(
      { ...grant, origin, expiresAt: null, replaces: null, now },
      { keyHash: hashApiKey(key), prefix: prefixOf(key) },
    );
  }

  /** A key can never grant a scope its issuer lacks, nor test seams to a live issuer (auth.md §10.3). */
  #mayGrant(issuer: Principal, scopes: readonly string[], kind: ApiKeyKind): void {
    const lacking = scopes.filter((scope) => !issuer.scopes.has(scope));
    if (lacking.length > 0) {
      throw new CredentialRefused(
        "forbidden",
        `this key cannot grant scopes it does not hold: ${lacking.join(", ")}`,
        "insufficient_scope",
        issuer.label,
        issuer.tenantId,
        { reason: "scope_escalation", scopes: lacking },
      );
    }
    if (kind === "test" && issuer.kind !== "test") {
      throw new CredentialRefused(
        "forbidden",
        "only a test key can issue a test key",
        "insufficient_scope",
        issuer.label,
        issuer.tenantId,
        { reason: "test_key_required" },
      );
    }
  }

  #newKey(fields: KeyFields): IssuedKey {
    const material = generateKeyMaterial(fields.kind);
    return { key: material.key, record: keyRecord(fields, material) };
  }
}

/** What a new key record is made of, besides its secret. */
interface KeyFields {
  tenantId: string;
  scopes: readonly string[];
  kind: ApiKeyKind;
  label: string;
  origin: ApiKeyOrigin;
  expiresAt: string | null;
  replaces: string | null;
  now: number;
}

function keyRecord(fields: KeyFields, secret: { keyHash: string; prefix: string }): ApiKeyRecord {
  return {
    keyId: newKeyId(),
    keyHash: secret.keyHash,
    prefix: secret.prefix,
    tenantId: fields.tenantId,
    scopes: [...fields.scopes],
    kind: fields.kind,
    origin: fields.origin,
    label: fields.label,
    createdAt: new Date(fields.now).toISOString(),
    expiresAt: fields.expiresAt,
    lastUsedAt: null,
    rotatedAt: null,
    revokedAt: null,
    replacedBy: null,
    replaces: fields.replaces,
  };
}
