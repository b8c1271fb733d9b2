import type { Context, Next } from "hono";
import { requireScope, type Scope } from "@openwop/core";
import type { AppEnv, ServerContext } from "./context.js";

/** Authenticates the bearer key and checks one scope before the handler runs. */
export function authorize(ctx: ServerContext, scope: Scope) {
  return async (c: Context<AppEnv>, next: Next): Promise<void> => {
    const principal = await ctx.authenticator.authenticate(c.req.header("authorization"));
    requireScope(principal, scope);
    c.set("principal", principal);
    await next();
  };
}
