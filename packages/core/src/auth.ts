import { randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKeyRecord, StorageAdapter } from "@openwop/storage";
import { ProtocolError } from "./errors.js";
import { sha256Hex } from "./json.js";

/** The scope vocabulary this toolkit checks. No scope implies another. */
export const SCOPES = [
  "manifest:read",
  "runs:create",
  "runs:read",
  "runs:cancel",
  "approvals:respond",
  "artifacts:read",
  "webhooks:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling, as established from a bearer key. */
export interface Principal {
  tenantId: string;
  scopes: ReadonlySet<string>;
  test: boolean;
  /** A short, non-reversible id of the key for logs (never the key). */
  keyId: string;
}

/** Keys are high-entropy random strings, so one SHA-256 is a sound storage hash. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function generateApiKey(test = false): string {
  return `${test ? "hk_test_" : "hk_"}${randomBytes(24).toString("base64url")}`;
}

export interface ApiKeyGrant {
  key: string;
  tenantId: string;
  scopes: readonly string[];
  test?: boolean;
  label?: string;
}

export async function storeApiKey(store: StorageAdapter, grant: ApiKeyGrant, now: Date): Promise<void> {
  await store.putApiKey({
    keyHash: hashApiKey(grant.key),
    tenantId: grant.tenantId,
    scopes: [...grant.scopes],
    label: grant.label ?? "",
    test: grant.test ?? false,
    createdAt: now.toISOString(),
    revokedAt: null,
  });
}

const unauthenticated = (message: string): ProtocolError => new ProtocolError("unauthenticated", message);

const CACHE_TTL_MS = 30_000;
const CACHE_LIMIT = 10_000;

/**
 * Resolves `Authorization: Bearer <key>` to a principal. Keys are looked up by hash and
 * the stored hash compared in constant time; lookups are cached briefly because every
 * request authenticates and keys change rarely.
 */
export class Authenticator {
  readonly #cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

  constructor(
    private readonly store: StorageAdapter,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw unauthenticated("an Authorization: Bearer <key> header is required");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated("the Authorization header must use the Bearer scheme");
    const presented = hashApiKey(match[1] as string);
    const record = await this.#lookup(presented);
    if (!record || !timingSafeEqual(Buffer.from(record.keyHash, "hex"), Buffer.from(presented, "hex"))) {
      throw unauthenticated("the API key is not valid");
    }
    if (record.revokedAt !== null) throw new ProtocolError("key_revoked", "the API key was revoked");
    return {
      tenantId: record.tenantId,
      scopes: new Set(record.scopes),
      test: record.test,
      keyId: presented.slice(0, 12),
    };
  }

  async #lookup(keyHash: string): Promise<ApiKeyRecord | null> {
    const now = this.now();
    const cached = this.#cache.get(keyHash);
    if (cached && cached.until > now) return cached.record;
    const record = await this.store.findApiKey(keyHash);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(keyHash, { record, until: now + CACHE_TTL_MS });
    return record;
  }
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.has(scope)) {
    throw new ProtocolError("forbidden", `this API key lacks the ${scope} scope`, { requiredScope: scope });
  }
}
