import type {
  ApiKeyCursor,
  ApiKeyOrigin,
  ApiKeyRecord,
  AuthFailureCount,
  ConfiguredKeysSync,
  RotationRefusal,
  TenantKeyStats,
} from "@openwop/storage";
import { StorageConflictError } from "@openwop/storage";
import { copy } from "./copy.js";

/** Orders ISO-8601 timestamps and ids by code unit, like SQL `ORDER BY` on text does. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest first: `createdAt`, then `keyId`, descending. */
function newestFirst(a: ApiKeyRecord, b: ApiKeyRecord): number {
  return compareStrings(b.createdAt, a.createdAt) || compareStrings(b.keyId, a.keyId);
}

/** Whether `key` lies strictly after the cursor in newest-first order. */
function isAfter(key: ApiKeyRecord, cursor: ApiKeyCursor): boolean {
  return key.createdAt < cursor.createdAt || (key.createdAt === cursor.createdAt && key.keyId < cursor.keyId);
}

function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? b : a;
}

/** One group of authentication failures; a missing prefix is a group of its own. */
function groupOf(failure: AuthFailureCount): string {
  return JSON.stringify([failure.tenantId, failure.reason, failure.keyPrefix, failure.route]);
}

/**
 * The key store of the memory adapter: keys by id with an index by hash, failure counts by
 * group, and the key-state version, a counter bumped by every change of a key's life.
 * Every method runs to completion without yielding, so each is atomic; a method that
 * could fail half way checks everything before its first change.
 */
export class MemoryKeys {
  readonly #byId = new Map<string, ApiKeyRecord>();
  readonly #idByHash = new Map<string, string>();
  readonly #failures = new Map<string, AuthFailureCount>();
  #version = 0;

  create(key: ApiKeyRecord): void {
    this.#assertFree([key]);
    this.#insert(key);
    this.#version += 1;
  }

  find(keyHash: string): ApiKeyRecord | null {
    const keyId = this.#idByHash.get(keyHash);
    const key = keyId === undefined ? undefined : this.#byId.get(keyId);
    return key ? copy(key) : null;
  }

  get(tenantId: string, keyId: string): ApiKeyRecord | null {
    const key = this.#ofTenant(tenantId, keyId);
    return key ? copy(key) : null;
  }

  list(tenantId: string, limit: number, after: ApiKeyCursor | undefined): ApiKeyRecord[] {
    return [...this.#byId.values()]
      .filter((key) => key.tenantId === tenantId && (after === undefined || isAfter(key, after)))
      .sort(newestFirst)
      .slice(0, Math.max(0, limit))
      .map((key) => copy(key));
  }

  rotate(
    tenantId: string,
    keyId: string,
    successor: ApiKeyRecord,
    graceUntil: string,
    at: string,
  ): { rotated: ApiKeyRecord } | { refused: RotationRefusal } {
    const key = this.#ofTenant(tenantId, keyId);
    if (!key) return { refused: "missing" };
    if (key.revokedAt !== null) return { refused: "revoked" };
    if (key.expiresAt !== null && key.expiresAt <= at) return { refused: "expired" };
    if (key.rotatedAt !== null || key.replacedBy !== null) return { refused: "rotated" };
    this.#assertFree([successor]);
    this.#insert(successor);
    key.expiresAt = key.expiresAt !== null && key.expiresAt < graceUntil ? key.expiresAt : graceUntil;
    key.rotatedAt = at;
    key.replacedBy = successor.keyId;
    this.#version += 1;
    return { rotated: copy(key) };
  }

  revoke(tenantId: string, keyId: string, at: string): ApiKeyRecord | null {
    const key = this.#ofTenant(tenantId, keyId);
    if (!key) return null;
    if (key.revokedAt === null) {
      key.revokedAt = at;
      this.#version += 1;
    }
    return copy(key);
  }

  syncConfigured(origin: Exclude<ApiKeyOrigin, "api">, keys: readonly ApiKeyRecord[], at: string): ConfiguredKeysSync {
    const configuredHashes = new Set<string>();
    const kept: ApiKeyRecord[] = [];
    const missing: ApiKeyRecord[] = [];
    for (const key of keys) {
      if (configuredHashes.has(key.keyHash)) continue;
      configuredHashes.add(key.keyHash);
      const storedId = this.#idByHash.get(key.keyHash);
      const stored = storedId === undefined ? undefined : this.#byId.get(storedId);
      if (stored) kept.push(stored);
      else missing.push({ ...key, origin });
    }
    // Everything that could refuse is checked before the first change.
    this.#assertFree(missing);

    let changed = false;
    for (const stored of kept) {
      if (stored.origin === origin) continue;
      stored.origin = origin;
      changed = true;
    }
    for (const key of missing) this.#insert(key);
    const revoked: ApiKeyRecord[] = [];
    for (const stored of this.#byId.values()) {
      if (stored.origin !== origin || stored.revokedAt !== null || configuredHashes.has(stored.keyHash)) continue;
      stored.revokedAt = at;
      revoked.push(stored);
    }
    if (changed || missing.length > 0 || revoked.length > 0) this.#version += 1;
    return { kept: copy(kept), created: copy(missing), revoked: copy(revoked) };
  }

  recordUse(uses: ReadonlyArray<{ keyId: string; usedAt: string }>): void {
    for (const { keyId, usedAt } of uses) {
      const key = this.#byId.get(keyId);
      if (key && (key.lastUsedAt === null || key.lastUsedAt < usedAt)) key.lastUsedAt = usedAt;
    }
  }

  version(): string {
    return String(this.#version);
  }

  stats(now: string, expiringBefore: string): TenantKeyStats[] {
    const byTenant = new Map<string, TenantKeyStats>();
    for (const key of this.#byId.values()) {
      const stats = byTenant.get(key.tenantId) ?? {
        tenantId: key.tenantId,
        expiringSoon: 0,
        lastRotatedAt: null,
        lastRevokedAt: null,
      };
      const expiringSoon =
        key.revokedAt === null && key.expiresAt !== null && key.expiresAt > now && key.expiresAt < expiringBefore;
      if (expiringSoon) stats.expiringSoon += 1;
      stats.lastRotatedAt = laterOf(stats.lastRotatedAt, key.rotatedAt);
      stats.lastRevokedAt = laterOf(stats.lastRevokedAt, key.revokedAt);
      byTenant.set(key.tenantId, stats);
    }
    return [...byTenant.values()].sort((a, b) => compareStrings(a.tenantId, b.tenantId));
  }

  recordFailures(failures: readonly AuthFailureCount[]): void {
    for (const failure of failures) {
      const group = groupOf(failure);
      const known = this.#failures.get(group);
      if (!known) {
        this.#failures.set(group, copy(failure));
        continue;
      }
      known.count += failure.count;
      if (failure.firstSeen < known.firstSeen) known.firstSeen = failure.firstSeen;
      if (failure.lastSeen > known.lastSeen) known.lastSeen = failure.lastSeen;
    }
  }

  listFailures(tenantId: string, since: string): AuthFailureCount[] {
    return [...this.#failures.values()]
      .filter((failure) => failure.tenantId === tenantId && failure.lastSeen >= since)
      .sort((a, b) => compareStrings(b.lastSeen, a.lastSeen))
      .map((failure) => copy(failure));
  }

  purgeFailures(before: string): number {
    let purged = 0;
    for (const [group, failure] of this.#failures) {
      if (failure.lastSeen >= before) continue;
      this.#failures.delete(group);
      purged += 1;
    }
    return purged;
  }

  #ofTenant(tenantId: string, keyId: string): ApiKeyRecord | undefined {
    const key = this.#byId.get(keyId);
    return key?.tenantId === tenantId ? key : undefined;
  }

  /** Throws `key-exists` when any of `keys` has an id or hash that is taken, or that they share. */
  #assertFree(keys: readonly ApiKeyRecord[]): void {
    const ids = new Set<string>();
    const hashes = new Set<string>();
    for (const key of keys) {
      if (this.#byId.has(key.keyId) || ids.has(key.keyId)) {
        throw new StorageConflictError(`a key with id ${key.keyId} already exists`, "key-exists");
      }
      if (this.#idByHash.has(key.keyHash) || hashes.has(key.keyHash)) {
        throw new StorageConflictError("a key with this hash already exists", "key-exists");
      }
      ids.add(key.keyId);
      hashes.add(key.keyHash);
    }
  }

  #insert(key: ApiKeyRecord): void {
    this.#byId.set(key.keyId, copy(key));
    this.#idByHash.set(key.keyHash, key.keyId);
  }
}
