import type { Context, Next } from "hono";
import { requireScope, type Scope } from "@openwop/core";
import type { AppEnv, ServerContext } from "./context.js";
import { rateLimitedAnswer } from "./production/rate-limit.js";

/**
 * Authenticates the bearer credential, applies the per-key rate limit, and checks one scope
 * (none for routes any valid credential may call), in the order of auth.md §4.3, before the
 * handler runs. A refusal is a `CredentialRefused`, which the app answers and counts.
 */
export function authorize(ctx: ServerContext, scope: Scope | null) {
  return async (c: Context<AppEnv>, next: Next): Promise<Response | undefined> => {
    const { principal, key } = await ctx.engine.keys.authenticate(c.req.header("authorization"));
    c.set("principal", principal);
    c.set("apiKey", key);
    const limited = await rateLimitedAnswer(ctx, c, principal);
    if (limited) return limited;
    if (scope !== null) requireScope(principal, scope);
    await next();
    return undefined;
  };
}
