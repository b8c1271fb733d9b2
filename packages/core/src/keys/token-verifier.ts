import type { Principal } from "./principal.js";

/**
 * Turns a bearer token that is not one of the host's keys (an identity provider's JWT)
 * into a principal. Resolves to null when the string is not a token this verifier handles
 * at all (so the caller tries it as a key); rejects with a `TokenRejectedError` when it is
 * such a token but must be refused (expired, wrong issuer or audience, bad signature, ...).
 */
export interface TokenVerifier {
  verify(token: string): Promise<Principal | null>;
}

/** A token the verifier recognised and refused; `reason` is for logs, never for the caller. */
export class TokenRejectedError extends Error {
  override readonly name = "TokenRejectedError";
  constructor(readonly reason: string) {
    super(`the bearer token was refused: ${reason}`);
  }
}
