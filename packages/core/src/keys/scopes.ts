/** The scope vocabulary this toolkit checks (auth.md §3.1). No scope implies another. */
export const SCOPES = [
  "manifest:read",
  "runs:create",
  "runs:read",
  "runs:cancel",
  "approvals:respond",
  "artifacts:read",
  "webhooks:manage",
  "keys:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);
