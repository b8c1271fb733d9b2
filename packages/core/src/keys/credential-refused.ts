import type { JsonObject } from "@openwop/storage";
import type { AuthFailureReason } from "@openwop/types";
import { ProtocolError } from "../errors.js";
import { isJsonObject } from "../json.js";

/**
 * A refusal for a credential (401) or for what it may do (403), carrying what an operator
 * needs to see it — why, and which key when one was found — besides what the caller is told.
 * Only the envelope of the underlying ProtocolError reaches the caller.
 */
export class CredentialRefused extends ProtocolError<"unauthenticated" | "key_expired" | "key_revoked" | "forbidden"> {
  constructor(
    code: "unauthenticated" | "key_expired" | "key_revoked" | "forbidden",
    message: string,
    readonly reason: AuthFailureReason,
    /** The presented key's prefix, when there was a key to take one from. */
    readonly keyPrefix: string | null,
    /** The tenant of the key that was found; null when none was. */
    readonly tenantId: string | null,
    details?: JsonObject,
  ) {
    super(code, message, details);
  }
}

/**
 * The tenant comes from the credential, never from the request: a body naming another
 * tenant is refused with 403 and nothing is done (auth.md §5.3).
 */
export function refuseOtherTenant(tenantId: string, body: unknown, keyPrefix: string | null): void {
  const named = isJsonObject(body) ? body["tenantId"] : undefined;
  if (named === undefined || named === tenantId) return;
  throw new CredentialRefused(
    "forbidden",
    "tenantId must be the tenant of the credential",
    "cross_tenant",
    keyPrefix,
    tenantId,
    { field: "tenantId" },
  );
}
