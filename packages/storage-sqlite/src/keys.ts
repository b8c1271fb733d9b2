import type {
  ApiKeyOrigin,
  ApiKeyRecord,
  AuthFailureCount,
  ConfiguredKeysSync,
  RotationRefusal,
} from "@openwop/storage";
import { StorageConflictError } from "@openwop/storage";
import type { KeyStatements } from "./key-statements.js";
import { apiKeyFromRow, NO_KEY_PREFIX } from "./rows.js";

/*
 * Key writes, each run inside the group commit's savepoint (see group-commit.ts), so it is
 * one transaction on its own: a throw undoes everything it wrote, and its reads cannot
 * change under it. Every write that changes a key's life bumps the key-state version in
 * that same transaction, so another process that reads the new version also reads the new
 * key state.
 */

/** Inserts `key`, throwing `key-exists` (and so undoing the caller's transaction) when its id or hash is taken. */
export function insertKey(statements: KeyStatements, key: ApiKeyRecord): void {
  const inserted = statements.insertApiKey.run({
    keyId: key.keyId,
    keyHash: key.keyHash,
    prefix: key.prefix,
    tenantId: key.tenantId,
    scopesJson: JSON.stringify(key.scopes),
    kind: key.kind,
    origin: key.origin,
    label: key.label,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    rotatedAt: key.rotatedAt,
    revokedAt: key.revokedAt,
    replacedBy: key.replacedBy,
    replaces: key.replaces,
  });
  if (inserted.changes === 0) {
    throw new StorageConflictError(`a key with id ${key.keyId} or with its hash already exists`, "key-exists");
  }
}

export function writeKeyCreation(statements: KeyStatements, key: ApiKeyRecord): void {
  insertKey(statements, key);
  statements.bumpKeyState.run();
}

/** Refusals are checked in the order a key's status is derived: revoked, expired, rotated. */
export function writeKeyRotation(
  statements: KeyStatements,
  tenantId: string,
  keyId: string,
  successor: ApiKeyRecord,
  graceUntil: string,
  at: string,
): { rotated: ApiKeyRecord } | { refused: RotationRefusal } {
  const key = statements.selectApiKeyOfTenant.get(tenantId, keyId);
  if (!key) return { refused: "missing" };
  if (key.revoked_at !== null) return { refused: "revoked" };
  if (key.expires_at !== null && key.expires_at <= at) return { refused: "expired" };
  if (key.rotated_at !== null || key.replaced_by !== null) return { refused: "rotated" };
  insertKey(statements, successor);
  const rotated = statements.rotateApiKey.get({ keyId, graceUntil, at, successorId: successor.keyId });
  if (!rotated) throw new Error(`key ${keyId} vanished inside its own rotation`);
  statements.bumpKeyState.run();
  return { rotated: apiKeyFromRow(rotated) };
}

export function writeKeyRevocation(
  statements: KeyStatements,
  tenantId: string,
  keyId: string,
  at: string,
): ApiKeyRecord | null {
  const key = statements.selectApiKeyOfTenant.get(tenantId, keyId);
  if (!key) return null;
  if (key.revoked_at !== null) return apiKeyFromRow(key);
  statements.revokeApiKey.run(at, keyId);
  statements.bumpKeyState.run();
  return apiKeyFromRow({ ...key, revoked_at: at });
}

export function writeConfiguredKeys(
  statements: KeyStatements,
  origin: Exclude<ApiKeyOrigin, "api">,
  keys: readonly ApiKeyRecord[],
  at: string,
): ConfiguredKeysSync {
  const configuredHashes = new Set<string>();
  const outcome: ConfiguredKeysSync = { kept: [], created: [], revoked: [] };
  let changed = false;
  for (const key of keys) {
    if (configuredHashes.has(key.keyHash)) continue;
    configuredHashes.add(key.keyHash);
    const stored = statements.selectApiKeyByHash.get(key.keyHash);
    if (stored) {
      changed = statements.setApiKeyOrigin.run({ keyId: stored.key_id, origin }).changes > 0 || changed;
      outcome.kept.push(apiKeyFromRow({ ...stored, origin }));
    } else {
      const created = { ...key, origin };
      insertKey(statements, created);
      outcome.created.push(created);
    }
  }
  const revoked = statements.revokeOtherKeysOfOrigin.all({
    origin,
    at,
    keptHashesJson: JSON.stringify([...configuredHashes]),
  });
  outcome.revoked = revoked.map(apiKeyFromRow);
  if (changed || outcome.created.length > 0 || revoked.length > 0) statements.bumpKeyState.run();
  // The caller's records are its own: hand back copies, as a read from the database would.
  outcome.created = outcome.created.map((key) => structuredClone(key));
  return outcome;
}

/** Never lowers `lastUsedAt`; ids that name no key match no row. Not a change of a key's life: no version bump. */
export function writeKeyUse(statements: KeyStatements, uses: ReadonlyArray<{ keyId: string; usedAt: string }>): void {
  for (const use of uses) statements.recordKeyUse.run({ keyId: use.keyId, usedAt: use.usedAt });
}

/** One upsert per entry, so entries of one group within a batch add up like separate batches. */
export function writeAuthFailures(statements: KeyStatements, failures: readonly AuthFailureCount[]): void {
  for (const failure of failures) {
    statements.upsertAuthFailure.run({
      tenantId: failure.tenantId,
      reason: failure.reason,
      keyPrefix: failure.keyPrefix ?? NO_KEY_PREFIX,
      route: failure.route,
      count: failure.count,
      firstSeen: failure.firstSeen,
      lastSeen: failure.lastSeen,
    });
  }
}
