import { CredentialRefused } from "./credential-refused.js";
import type { Principal } from "./principal.js";
import type { Scope } from "./scopes.js";

/** 403 unless the principal holds the scope; no scope implies another (auth.md §3.3, §4.2). */
export function requireScope(principal: Principal, scope: Scope): void {
  if (principal.scopes.has(scope)) return;
  throw new CredentialRefused(
    "forbidden",
    `this API key lacks the ${scope} scope`,
    "insufficient_scope",
    principal.label,
    principal.tenantId,
    { requiredScope: scope },
  );
}
