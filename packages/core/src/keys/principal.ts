import type { ApiKeyKind } from "@openwop/types";

/** Who is calling, as established from a bearer credential (an API key or a token). */
export interface Principal {
  tenantId: string;
  scopes: ReadonlySet<string>;
  /** `test` principals may use the host's test seams; `live` ones never do (auth.md §8). */
  kind: ApiKeyKind;
  /** The key's id, or null for a token from an identity provider. */
  keyId: string | null;
  /** What logs may name the credential by: a key's prefix, or `jwt:<subject>`; never a secret. */
  label: string;
}
